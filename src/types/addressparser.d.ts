declare module 'nodemailer/lib/addressparser' {
  interface ParsedAddress {
    name: string;
    address?: string;
    group?: ParsedAddress[];
  }
  function addressparser(text: string, options?: { flatten?: boolean }): ParsedAddress[];
  export = addressparser;
}
