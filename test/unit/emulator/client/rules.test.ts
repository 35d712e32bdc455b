/** The rule evaluator alone: what a query fixes, three-valued logic, and rules it cannot evaluate. */
import { strict as assert } from 'node:assert';
import { decide, fixedFields, parseRule, RuleError, ruleFor, MAX_RULE_LENGTH, type RuleFacts } from '../../../../src/emulator/client/rules';

const alice = { uid: 'u-alice', openid: 'u-alice', loginType: 'ANONYMOUS' as const };

function facts(query: Record<string, unknown>, auth: RuleFacts['auth'] = alice): RuleFacts {
  const fixed = fixedFields(query);
  return { auth, doc: (p) => (fixed.has(p) ? { value: fixed.get(p) } : undefined), now: new Date(0) };
}

const custom = (rule: string) => ({ label: 'test', rule });

describe('client security rules', function () {
  it('maps the presets to their rules, and a custom rule without the entry to false', function () {
    assert.equal(ruleFor({ acl: 'READONLY' }, 'read').rule, true);
    assert.equal(ruleFor({ acl: 'READONLY' }, 'delete').rule, 'doc._openid == auth.openid');
    assert.equal(ruleFor({ acl: 'ADMINONLY' }, 'read').rule, false);
    assert.equal(ruleFor({ acl: 'CUSTOM', rule: { read: true, write: 'auth.uid != null' } }, 'update').rule, 'auth.uid != null');
    assert.equal(ruleFor({ acl: 'CUSTOM', rule: { read: true, update: false, write: true } }, 'update').rule, false);
    assert.equal(ruleFor({ acl: 'CUSTOM', rule: { read: true } }, 'create').rule, false);
  });

  it('knows a field only when the query fixes it to one value', function () {
    const fixed = fixedFields({ a: 1, b: { $gt: 2 }, c: { $eq: 'x' }, $and: [{ d: true }], 'e.f': null });
    assert.deepEqual([...fixed.entries()], [['a', 1], ['c', 'x'], ['d', true], ['e.f', null]]);
  });

  it('decides && and || in three values, and suggests the missing condition', function () {
    const rule = custom("doc.public == true || doc._openid == auth.openid");
    assert.equal(decide(rule, facts({ public: true })).allowed, true);
    assert.equal(decide(rule, facts({ _openid: 'u-alice' })).allowed, true);
    const open = decide(rule, facts({}));
    assert.equal(open.allowed, false);
    assert.deepEqual(open.missing, [{ field: 'public', value: true }]);
    const both = decide(custom("doc.team == 'a' && doc._openid == auth.openid"), facts({ team: 'a' }));
    assert.deepEqual(both.missing, [{ field: '_openid', value: '{openid}' }]);
    assert.equal(decide(custom("doc.team == 'a' && doc.x == 1"), facts({ team: 'b' })).allowed, false);
    assert.equal(decide(custom("doc.role in ['a', 'b']"), facts({ role: 'b' })).allowed, true);
    assert.equal(decide(custom('doc._openid == auth.openid'), facts({ _openid: '' }, null)).allowed, false, 'signed out');
  });

  it('refuses rules that do not parse, are too long or use what it does not evaluate', function () {
    assert.throws(() => parseRule('doc.a == '), RuleError);
    assert.throws(() => parseRule('true || '.repeat(200) + 'true'), (e: Error) => e instanceof RuleError && e.message.includes(String(MAX_RULE_LENGTH)));
    assert.throws(() => decide(custom("get('database.users.' + auth.uid).admin == true"), facts({})), RuleError);
  });
});
