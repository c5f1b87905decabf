// RFC 6749 Appendix A's VSCHAR (printable ASCII): what codes, states and tokens are made of.

/** A CR, LF or any non-ASCII character here would end up inside a header or a stored credential. */
export function isVisibleAscii(value: string): boolean {
  return /^[\x20-\x7e]+$/.test(value);
}
