// Typed reads of fields of a parsed JSON message, each failure one sentence that names
// the field. uint64 fields are exact to 2^64-1: JSON.parse rounds numbers above 2^53,
// so such a field is read again from the text with a lossless parser.
import { isLosslessNumber, parse as parseLossless, stringify as stringifyLossless } from 'lossless-json';

export class JsonMessageError extends Error {
  override name = 'JsonMessageError';
}

export type JsonObject = Record<string, unknown>;

const UINT64_MAX = 2n ** 64n - 1n;

export function parseJsonObject(text: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new JsonMessageError(`not valid JSON (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JsonMessageError('not a JSON object; every message is an object with a "type"');
  }
  return value as JsonObject;
}

export function optionalString(o: JsonObject, key: string, where = ''): string {
  const v = o[key];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new JsonMessageError(`${where}${key} must be a string`);
  return v;
}

export function optionalNumber(o: JsonObject, key: string, where = ''): number {
  const v = o[key];
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number') throw new JsonMessageError(`${where}${key} must be a number`);
  return v;
}

export function optionalBool(o: JsonObject, key: string, fallback: boolean): boolean {
  const v = o[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw new JsonMessageError(`${key} must be true or false`);
  return v;
}

/** A uint32 field (buffer sizes, limits); absent is 0. */
export function optionalUint32(o: JsonObject, key: string, where = ''): number {
  const v = optionalNumber(o, key, where);
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw new JsonMessageError(`${where}${key} must be a whole number from 0 to 4294967295`);
  }
  return v;
}

/**
 * A top-level uint64 field, exact: a JSON number or a string of digits (for clients
 * that cannot write numbers above 2^53). Absent is 0.
 */
export function optionalUint64(o: JsonObject, key: string, text: string): bigint {
  const v = o[key];
  if (v === undefined || v === null) return 0n;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  let digits: string | undefined;
  if (typeof v === 'string') digits = v;
  else if (typeof v === 'number' && Number.isInteger(v) && v > 0) digits = exactNumberText(text, key);
  if (digits !== undefined && /^\d{1,20}$/.test(digits)) {
    const exact = BigInt(digits);
    if (exact <= UINT64_MAX) return exact;
  }
  throw new JsonMessageError(
    `${key} is ${typeof v === 'string' ? JSON.stringify(v) : String(digits ?? v)}; it must be a whole number from 0 to ${UINT64_MAX}`,
  );
}

/** The digits of a top-level number field as written, read again without rounding. */
function exactNumberText(text: string, key: string): string | undefined {
  const again = parseLossless(text) as JsonObject;
  const v = again[key];
  return isLosslessNumber(v) ? v.value : undefined;
}

export function optionalObject(o: JsonObject, key: string): JsonObject | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new JsonMessageError(`${key} must be an object`);
  return v as JsonObject;
}

/**
 * An array of numbers. JSON has no NaN or Infinity, and JSON.stringify writes them as
 * null: a null element is read as NaN, so such an embedding is rejected in-band as
 * invalid (the server's rule) exactly as it is over protobuf, instead of ending the stream.
 */
export function numberArray(o: JsonObject, key: string, where = ''): Float32Array {
  const v = o[key];
  if (v === undefined || v === null) return new Float32Array(0);
  if (!Array.isArray(v)) throw new JsonMessageError(`${where}${key} must be an array of numbers`);
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x === null) out[i] = Number.NaN;
    else if (typeof x === 'number') out[i] = x;
    else throw new JsonMessageError(`${where}${key}[${i}] is not a number`);
  }
  return out;
}

export function stringArray(o: JsonObject, key: string, where = ''): string[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) {
    throw new JsonMessageError(`${where}${key} must be an array of strings`);
  }
  return v as string[];
}

/** An RFC 3339 time as epoch milliseconds; absent is undefined. */
export function optionalTime(o: JsonObject, key: string, where = ''): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  const ms = typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(ms))
    throw new JsonMessageError(`${where}${key} must be an RFC 3339 time such as 2026-01-02T03:04:05Z`);
  return ms;
}

/** Writes a value as JSON with bigint fields as exact bare numbers. */
export function stringifyExact(value: JsonObject): string {
  return stringifyLossless(value) as string;
}
