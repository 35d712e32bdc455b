/**
 * Sign-in tokens of the local environment: JWTs signed (HS256) with a key of this environment
 * alone, kept in its data folder, so a token made for another environment or edited by hand is
 * refused. The payload carries what security rules read (`auth.uid`, `auth.openid`,
 * `auth.loginType`).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** What rules see as `auth`; `openid` is the id `_openid` holds (a web user has no WeChat openid: CloudBase puts the uid there). */
export interface ClientIdentity {
  uid: string;
  openid: string;
  loginType: 'ANONYMOUS' | 'USERNAME';
}

export const ACCESS_TOKEN_SECONDS = 2 * 60 * 60;
export const REFRESH_TOKEN_SECONDS = 30 * 24 * 60 * 60;
/** An upload URL's life, as for /admin's. */
const UPLOAD_TICKET_SECONDS = 60 * 60;
/** js-sdk asks for a new realtime sign after a minute; the LOGIN that carries it follows at once. */
const WATCH_SIGN_SECONDS = 10 * 60;
const ISSUER = 'cloudbase-studio-local';

/** A token the environment refuses; `code` is what the client receives. */
export class TokenError extends Error {
  constructor(
    readonly wireCode: 'INVALID_ACCESS_TOKEN' | 'ACCESS_TOKEN_EXPIRED' | 'INVALID_REFRESH_TOKEN' | 'INVALID_UPLOAD_TICKET' | 'SIGN_INVALID_ERROR' | 'SIGN_EXPIRED_ERROR',
    message: string,
  ) {
    super(message);
  }
}

// jose is published as an ES module only; the emulator is CommonJS, so it is loaded on first use.
type Jose = typeof import('jose', { with: { 'resolution-mode': 'import' } });
let josePromise: Promise<Jose> | undefined;
const jose = (): Promise<Jose> => (josePromise ??= import('jose'));

export class TokenSigner {
  private constructor(
    private readonly key: Uint8Array,
    private readonly envId: string,
  ) {}

  /** Reads the environment's key from `keyFile`, making one the first time. */
  static async open(keyFile: string, envId: string): Promise<TokenSigner> {
    let key: Buffer;
    try {
      key = Buffer.from((await readFile(keyFile, 'utf8')).trim(), 'base64');
      if (key.length < 32) throw new Error('short key');
    } catch {
      key = randomBytes(32);
      await mkdir(dirname(keyFile), { recursive: true });
      await writeFile(keyFile, key.toString('base64') + '\n', { mode: 0o600 });
    }
    return new TokenSigner(new Uint8Array(key), envId);
  }

  async issue(identity: ClientIdentity, kind: 'access' | 'refresh'): Promise<string> {
    const { SignJWT } = await jose();
    return new SignJWT({ openid: identity.openid, login_type: identity.loginType, typ: kind })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(this.envId)
      .setSubject(identity.uid)
      .setIssuedAt()
      .setExpirationTime(`${kind === 'access' ? ACCESS_TOKEN_SECONDS : REFRESH_TOKEN_SECONDS}s`)
      .sign(this.key);
  }

  /** What the PUT after `get-objects-upload-info` carries as `authorization`: this user may write `key` for an hour. */
  async issueUploadTicket(identity: ClientIdentity, key: string): Promise<string> {
    const { SignJWT } = await jose();
    return new SignJWT({ openid: identity.openid, login_type: identity.loginType, typ: 'upload', key })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(this.envId)
      .setSubject(identity.uid)
      .setIssuedAt()
      .setExpirationTime(`${UPLOAD_TICKET_SECONDS}s`)
      .sign(this.key);
  }

  async verifyUploadTicket(ticket: string): Promise<{ identity: ClientIdentity; key: string }> {
    const payload = await this.payloadOf(ticket, 'upload', 'INVALID_UPLOAD_TICKET');
    if (typeof payload.key !== 'string') throw new TokenError('INVALID_UPLOAD_TICKET', 'The upload ticket names no file.');
    return { identity: identityOf(payload), key: payload.key };
  }

  /** `auth.wsWebSign`'s `signStr`: the realtime LOGIN that carries it acts for this user (null: signed out). */
  async issueWatchSign(identity: ClientIdentity | null): Promise<string> {
    const { SignJWT } = await jose();
    return new SignJWT({ openid: identity?.openid ?? '', login_type: identity?.loginType ?? 'SIGNED_OUT', typ: 'ws' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(this.envId)
      .setSubject(identity?.uid ?? '')
      .setIssuedAt()
      .setExpirationTime(`${WATCH_SIGN_SECONDS}s`)
      .sign(this.key);
  }

  async verifyWatchSign(sign: string): Promise<ClientIdentity | null> {
    const { jwtVerify, errors } = await jose();
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(sign, this.key, { issuer: ISSUER, audience: this.envId, algorithms: ['HS256'] }));
    } catch (e) {
      if (e instanceof errors.JWTExpired) throw new TokenError('SIGN_EXPIRED_ERROR', 'The realtime sign has expired; js-sdk asks for a new one.');
      throw new TokenError('SIGN_INVALID_ERROR', `The realtime sign is not valid for this local environment: ${(e as Error).message}.`);
    }
    if (payload.typ !== 'ws' || typeof payload.sub !== 'string') throw new TokenError('SIGN_INVALID_ERROR', 'The sign is not a realtime sign of this local environment.');
    if (payload.login_type === 'SIGNED_OUT') return null;
    if (typeof payload.openid !== 'string' || (payload.login_type !== 'ANONYMOUS' && payload.login_type !== 'USERNAME')) throw new TokenError('SIGN_INVALID_ERROR', 'The realtime sign names no user.');
    return identityOf(payload);
  }

  /** The identity a token names, or a TokenError saying why it is refused. */
  async verify(token: string, kind: 'access' | 'refresh'): Promise<ClientIdentity> {
    return identityOf(await this.payloadOf(token, kind, kind === 'access' ? 'INVALID_ACCESS_TOKEN' : 'INVALID_REFRESH_TOKEN'));
  }

  private async payloadOf(token: string, kind: 'access' | 'refresh' | 'upload', bad: TokenError['wireCode']): Promise<Record<string, unknown>> {
    const { jwtVerify, errors } = await jose();
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.key, { issuer: ISSUER, audience: this.envId, algorithms: ['HS256'] }));
    } catch (e) {
      if (e instanceof errors.JWTExpired) throw new TokenError(kind === 'access' ? 'ACCESS_TOKEN_EXPIRED' : bad, `The ${kind} token has expired; sign in again.`);
      const why = e instanceof errors.JWSSignatureVerificationFailed ? 'its signature is not this local environment\'s' : (e as Error).message;
      throw new TokenError(bad, `The ${kind} token is not valid for this local environment: ${why}.`);
    }
    const loginType = payload.login_type;
    if (payload.typ !== kind || typeof payload.sub !== 'string' || typeof payload.openid !== 'string' || (loginType !== 'ANONYMOUS' && loginType !== 'USERNAME')) {
      throw new TokenError(bad, `The token is not a ${kind} token of this local environment.`);
    }
    return payload;
  }
}

/** Called on a payload payloadOf has checked. */
function identityOf(payload: Record<string, unknown>): ClientIdentity {
  return { uid: payload.sub as string, openid: payload.openid as string, loginType: payload.login_type as ClientIdentity['loginType'] };
}
