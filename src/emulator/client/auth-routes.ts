/**
 * Sign-in as js-sdk 3.x speaks it (its OAuth client under `/auth/v1`): anonymous sign-in,
 * username and password (`signInWithPassword` posts `{ username, password }` to `/signin`), sign-up
 * with a username and password, the refresh grant, the current user. Answers follow OAuth:
 * credentials `{ token_type, access_token, refresh_token, expires_in }`, failures `{ error,
 * error_description }` with the cloud's error names (`invalid_password`, `not_found`, …).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClientRequestLog } from './request-log';
import { bearerOf, readJsonBody, reply } from './http';
import { ACCESS_TOKEN_SECONDS, TokenError, type ClientIdentity, type TokenSigner } from './tokens';
import { UserError, identityOfUser, type ClientUser, type ClientUsers } from './users';

export const AUTH_PREFIX = '/auth/v1/';

export interface AuthRouteOptions {
  signer: TokenSigner;
  log: ClientRequestLog;
  users: ClientUsers;
}

const USER_ERROR_STATUS: Record<UserError['error'], number> = { invalid_password: 400, not_found: 404, already_exists: 409, invalid_argument: 400 };

async function credentialsFor(signer: TokenSigner, identity: ClientIdentity): Promise<Record<string, unknown>> {
  return {
    token_type: 'Bearer',
    access_token: await signer.issue(identity, 'access'),
    refresh_token: await signer.issue(identity, 'refresh'),
    expires_in: ACCESS_TOKEN_SECONDS,
    scope: identity.loginType === 'ANONYMOUS' ? 'anonymous' : 'user',
    sub: identity.uid,
  };
}

function userInfo(identity: ClientIdentity, user: ClientUser | undefined): Record<string, unknown> {
  const anonymous = identity.loginType === 'ANONYMOUS';
  return {
    sub: identity.uid,
    uid: identity.uid,
    name: user?.username ?? '',
    ...(user ? { username: user.username, created_at: new Date(user.createdAt).toISOString() } : {}),
    picture: '',
    groups: [{ id: anonymous ? 'anonymous' : 'user' }],
    status: 'ACTIVE',
    is_anonymous: anonymous,
  };
}

/** Handles `pathname` (below /auth/v1/) or answers 404; never throws. */
export async function handleAuth(options: AuthRouteOptions, request: IncomingMessage, response: ServerResponse, pathname: string): Promise<void> {
  const requestId = randomUUID();
  const operation = `auth.${pathname.slice(AUTH_PREFIX.length).replace(/\//g, '.')}`;
  const fail = (status: number, error: string, description: string, uid?: string): void => {
    options.log.append({ time: Date.now(), requestId, operation, uid, decision: 'refused', message: `Refused ${operation}: ${description}` });
    reply(request, response, status, { error, error_description: description, request_id: requestId });
  };
  try {
    const route = `${request.method} ${pathname}`;
    if (route === 'POST /auth/v1/signin/anonymously') {
      await readJsonBody(request);
      const uid = randomUUID().replace(/-/g, '');
      const identity: ClientIdentity = { uid, openid: uid, loginType: 'ANONYMOUS' };
      options.log.append({ time: Date.now(), requestId, operation, uid, decision: 'allowed', message: `Signed in anonymously as ${uid}.` });
      reply(request, response, 200, await credentialsFor(options.signer, identity));
      return;
    }
    if (route === 'POST /auth/v1/token') {
      const body = await readJsonBody(request);
      if (body.grant_type !== 'refresh_token' || typeof body.refresh_token !== 'string') {
        fail(400, 'unsupported_grant_type', 'Only the refresh_token grant is served locally.');
        return;
      }
      const identity = await options.signer.verify(body.refresh_token, 'refresh');
      options.log.append({ time: Date.now(), requestId, operation, uid: identity.uid, decision: 'allowed', message: `Refreshed the tokens of ${identity.uid}.` });
      reply(request, response, 200, await credentialsFor(options.signer, identity));
      return;
    }
    if (route === 'GET /auth/v1/user/me') {
      request.resume();
      const token = bearerOf(request);
      if (!token) {
        fail(401, 'unauthenticated', 'No user is signed in.');
        return;
      }
      const identity = await options.signer.verify(token, 'access');
      const user = identity.loginType === 'USERNAME' ? await options.users.byUid(identity.uid) : undefined;
      if (identity.loginType === 'USERNAME' && !user) {
        fail(401, 'unauthenticated', 'The signed-in user no longer exists.', identity.uid);
        return;
      }
      reply(request, response, 200, userInfo(identity, user));
      return;
    }
    if (route === 'POST /auth/v1/signin' || route === 'POST /auth/v1/signup') {
      const body = await readJsonBody(request);
      const signingUp = route === 'POST /auth/v1/signup';
      const user = signingUp ? await options.users.create(body.username, body.password) : await options.users.signIn(body.username, body.password);
      const identity = identityOfUser(user);
      const message = signingUp ? `Signed up "${user.username}" as ${user.uid}.` : `Signed in "${user.username}" (${user.uid}) with a password.`;
      options.log.append({ time: Date.now(), requestId, operation, uid: user.uid, decision: 'allowed', message });
      reply(request, response, 200, await credentialsFor(options.signer, identity));
      return;
    }
    if (route === 'POST /auth/v1/user/signout' || route === 'POST /auth/v1/revoke') {
      await readJsonBody(request);
      // Tokens are stateless here; the SDK forgets them.
      reply(request, response, 200, {});
      return;
    }
    request.resume();
    fail(404, 'not_found', `${request.method} ${pathname} is not served by the local environment (anonymous and password sign-in, sign-up, token refresh and user/me are).`);
  } catch (e) {
    if (e instanceof UserError) fail(USER_ERROR_STATUS[e.error], e.error, e.message);
    else if (e instanceof TokenError) fail(401, e.wireCode === 'INVALID_REFRESH_TOKEN' ? 'invalid_grant' : 'unauthenticated', e.message);
    else fail(400, 'invalid_argument', (e as Error).message);
  }
}
