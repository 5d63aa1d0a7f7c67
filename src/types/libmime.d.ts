declare module 'libmime' {
  interface Libmime {
    /** Decode RFC 2047 encoded-words in a header value. */
    decodeWords(value: string): string;
  }
  const libmime: Libmime;
  export = libmime;
}
