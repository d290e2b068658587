/**
 * Exercise 1: Redis basics - strings, hashes and TTLs.
 *
 * This file is meant to fail its checks until you complete it: every function
 * below still throws its starting TODO. Replace each TODO with a few lines of
 * ioredis and run `npm run check -- 5 --exercise 01` (or use watch mode).
 *
 * Keys are part of the contract - the checker reads them from the server:
 *   greeting:<name>  a string
 *   profile:<id>     a hash, one field per property
 *   otp:<user>       a string with a TTL
 *
 * What the checks judge, beyond the keys:
 *   - reads ask the server every time (the checker changes keys behind your back);
 *   - a second saveProfile overwrites the fields it is given (whether fields
 *     from an earlier save stay is up to you; saveProfile with {} is not judged);
 *   - saveOneTimeCode sets the code and its TTL in ONE command (SET ... EX or
 *     SETEX): a separate EXPIRE leaves the code without expiry until it runs,
 *     and forever if it never does. A second call replaces the code and its TTL;
 *   - secondsLeft returns the server's TTL, null when there is no code (-2);
 *     a code without expiry (-1) is not judged.
 */
import type { LabContext } from '../../../checker/exercise-api.js';

/** Stores `text` as a plain string under greeting:<name>. */
export async function saveGreeting(ctx: LabContext, name: string, text: string): Promise<void> {
  throw new Error('TODO: SET greeting:<name> to text');
}

/** Returns the greeting for `name`, or null when there is none. */
export async function readGreeting(ctx: LabContext, name: string): Promise<string | null> {
  throw new Error('TODO: GET greeting:<name>');
}

/** Stores every property of `fields` as a field of the hash profile:<id>. */
export async function saveProfile(ctx: LabContext, id: number, fields: Record<string, string>): Promise<void> {
  throw new Error('TODO: HSET profile:<id> with the fields');
}

/** Returns all fields of profile:<id>, or null when the profile does not exist. */
export async function readProfile(ctx: LabContext, id: number): Promise<Record<string, string> | null> {
  throw new Error('TODO: HGETALL profile:<id> (an empty result means no profile)');
}

/** Stores a one-time code under otp:<user> that expires after `seconds`. */
export async function saveOneTimeCode(ctx: LabContext, user: string, code: string, seconds: number): Promise<void> {
  throw new Error('TODO: SET otp:<user> code EX seconds');
}

/** Seconds until otp:<user> expires, as the server reports it (TTL); null when there is no code. */
export async function secondsLeft(ctx: LabContext, user: string): Promise<number | null> {
  throw new Error('TODO: TTL otp:<user> (-2: no key, -1: no expiry)');
}
