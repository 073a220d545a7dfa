/** A problem with one field of an input, located by its path, e.g. "payload.items[0].unitPrice". */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly FieldError[] };
