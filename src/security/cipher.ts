import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** One value encrypted with AES-256-GCM: a fresh 96-bit nonce, the tag, the ciphertext (all base64). */
export interface Sealed {
  iv: string;
  tag: string;
  data: string;
}

/**
 * Encrypts `plaintext`. `context` (the entry's name and visible fields) is authenticated but not
 * encrypted, so an entry cannot be renamed or moved to another name in the file unnoticed.
 */
export function seal(key: Buffer, plaintext: string, context: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
}

/** Decrypts a sealed value; throws when the key, the context or the bytes are not the ones sealed. */
export function open(key: Buffer, sealed: Sealed, context: string): string {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString(
    'utf8',
  );
}
