/**
 * `$jsonSchema` in queries: MongoDB's dialect of JSON Schema (draft 4 keywords plus `bsonType`),
 * validated by ajv. Documents hold native values (Date, bson types), which `bsonType` names.
 */
import Ajv from 'ajv';
import type { AnyObject } from 'mingo/types';
import { StudioError } from '../../shared/errors';
import { bsonType, isPlainObject } from './values';

const INT32 = 2 ** 31;

const BSON_TYPES: Record<string, (v: unknown) => boolean> = {
  double: (v) => typeof v === 'number' || bsonType(v) === 'Double',
  number: (v) => typeof v === 'number' || ['Int32', 'Double', 'Long', 'Decimal128'].includes(bsonType(v) ?? ''),
  int: (v) => (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < INT32) || bsonType(v) === 'Int32',
  long: (v) => (typeof v === 'number' && Number.isInteger(v)) || bsonType(v) === 'Long',
  decimal: (v) => bsonType(v) === 'Decimal128',
  string: (v) => typeof v === 'string',
  bool: (v) => typeof v === 'boolean',
  null: (v) => v === null,
  date: (v) => v instanceof Date,
  array: (v) => Array.isArray(v),
  object: (v) => isPlainObject(v),
  objectId: (v) => bsonType(v) === 'ObjectId',
  regex: (v) => v instanceof RegExp || bsonType(v) === 'BSONRegExp',
  binData: (v) => Buffer.isBuffer(v) || bsonType(v) === 'Binary',
  timestamp: (v) => bsonType(v) === 'Timestamp',
};

const ajv = new Ajv({ strict: false, allErrors: false, validateSchema: true });
ajv.addKeyword({
  keyword: 'bsonType',
  schemaType: ['string', 'array'],
  validate: (names: string | string[], value: unknown) => (Array.isArray(names) ? names : [names]).some((n) => BSON_TYPES[n]?.(value) ?? false),
});

/** mingo's hook for `$jsonSchema`: compiles the schema once per query, refusing a malformed one. */
export function jsonSchemaValidator(schema: AnyObject): (doc: AnyObject) => boolean {
  let validate: ReturnType<typeof ajv.compile>;
  try {
    validate = ajv.compile(schema);
  } catch (e) {
    throw new StudioError('InvalidQuery', `Invalid $jsonSchema: ${(e as Error).message}`, { cause: e });
  }
  return (doc) => validate(doc) === true;
}
