/**
 * Username-and-password users of the local environment, kept in `<dataDir>/client/users.json`
 * (mode 0600) with each password as a salted scrypt hash (node's crypto.scrypt), never the
 * password. A user's openid is its uid, as for anonymous users.
 */
import { randomBytes, randomUUID, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StudioError } from '../../shared/errors';
import type { ClientIdentity } from './tokens';

export interface ClientUser {
  uid: string;
  username: string;
  /** `scrypt$N$r$p$<salt base64>$<hash base64>` */
  passwordHash: string;
  createdAt: number;
}

/** Refusals the sign-in routes answer with the cloud's OAuth error names. */
export class UserError extends Error {
  constructor(
    readonly error: 'invalid_password' | 'not_found' | 'already_exists' | 'invalid_argument',
    message: string,
  ) {
    super(message);
  }
}

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{1,63}$/;
const MIN_PASSWORD = 8;
const MAX_PASSWORD = 128;
const SCRYPT: ScryptOptions = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 64;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, KEY_LENGTH, options, (e, key) => (e ? reject(e) : resolve(key))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

export function identityOfUser(user: ClientUser): ClientIdentity {
  return { uid: user.uid, openid: user.uid, loginType: 'USERNAME' };
}

export class ClientUsers {
  private writing: Promise<void> = Promise.resolve();
  private users: ClientUser[] | undefined;

  constructor(private readonly file: string) {}

  /** Every user, without password hashes. */
  async list(): Promise<Omit<ClientUser, 'passwordHash'>[]> {
    return (await this.load()).map(({ passwordHash: _hash, ...user }) => user);
  }

  async byUid(uid: string): Promise<ClientUser | undefined> {
    return (await this.load()).find((u) => u.uid === uid);
  }

  async create(username: unknown, password: unknown): Promise<ClientUser> {
    if (typeof username !== 'string' || !USERNAME.test(username)) {
      throw new UserError('invalid_argument', 'The username must be 2 to 64 letters, digits or _ . @ -, starting with a letter or digit.');
    }
    if (typeof password !== 'string' || password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
      throw new UserError('invalid_argument', `The password must be ${MIN_PASSWORD} to ${MAX_PASSWORD} characters.`);
    }
    const passwordHash = await hashPassword(password);
    return this.change((users) => {
      if (users.some((u) => u.username === username)) throw new UserError('already_exists', `The username "${username}" is taken.`);
      const user: ClientUser = { uid: randomUUID().replace(/-/g, ''), username, passwordHash, createdAt: Date.now() };
      users.push(user);
      return user;
    });
  }

  /** The user whose password this is, or a UserError in the cloud's terms. */
  async signIn(username: unknown, password: unknown): Promise<ClientUser> {
    if (typeof username !== 'string' || username === '' || typeof password !== 'string' || password === '') {
      throw new UserError('invalid_argument', 'Both "username" and "password" are required.');
    }
    const user = (await this.load()).find((u) => u.username === username);
    if (!user) throw new UserError('not_found', `User "${username}" not found.`);
    if (!(await passwordMatches(password, user.passwordHash))) throw new UserError('invalid_password', 'The password is incorrect.');
    return user;
  }

  private async load(): Promise<ClientUser[]> {
    if (this.users) return this.users;
    let users: ClientUser[] = [];
    try {
      const value = JSON.parse(await readFile(this.file, 'utf8')) as unknown;
      if (Array.isArray(value)) users = value as ClientUser[];
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new StudioError('Internal', `The local users file ${this.file} cannot be read: ${(e as Error).message}`);
    }
    return (this.users ??= users);
  }

  /** One change at a time, on disk (written beside and renamed over) before it resolves. */
  private change<T>(apply: (users: ClientUser[]) => T): Promise<T> {
    const next = this.writing.then(async () => {
      const users = [...(await this.load())];
      const result = apply(users);
      await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
      const partial = `${this.file}.${process.pid}.partial`;
      await writeFile(partial, JSON.stringify(users, null, 2) + '\n', { mode: 0o600 });
      await rename(partial, this.file);
      this.users = users;
      return result;
    });
    this.writing = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }
}
