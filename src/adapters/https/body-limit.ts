import { Transform, type TransformCallback } from 'node:stream';
import { UserError } from '../../errors.ts';

/**
 * Counts a body whose length is not announced (chunked) and fails once it passes `limit`, so that a
 * flow reading it gets CW_ERR_BODY_TOO_LARGE (answered 413) instead of filling memory.
 */
export class BodyLimit extends Transform {
  readonly #limit: number;
  #seen = 0;

  constructor(limit: number) {
    super();
    this.#limit = limit;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#seen += chunk.length;
    if (this.#seen > this.#limit) callback(bodyTooLarge(this.#limit));
    else callback(null, chunk);
  }
}

export function bodyTooLarge(limit: number): UserError {
  return new UserError('CW_ERR_BODY_TOO_LARGE', `The request body is larger than ${limit} bytes.`, {
    hint: "Send a smaller body, or raise the sender's maxBodySize.",
  });
}
