/**
 * `parts` as one flat string. `a + b` (and a template literal) of 13 characters or more makes
 * V8 a rope, a pair of pointers to its parts, that the first compare, hash or write of it
 * turns into a flat copy; a string kept in a resource record (an address, a rendered name, a
 * description) is compared, hashed and written, so it pays for both, and its parts outlive
 * their use. `Array.prototype.join` writes the flat string at once.
 * @example flatString(['keyform_project.tenant[', '"os-prod/acme/webshop"', ']'])
 */
export function flatString(parts: readonly string[]): string {
  return parts.join('');
}
