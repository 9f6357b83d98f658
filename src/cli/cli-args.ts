/** `--name value` / `--flag` arguments; unknown options are an error naming them. */
export function parseCliArgs(argv: string[], spec: { values: string[]; flags: string[] }): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = arg.startsWith('--') ? arg.slice(2).split(/=(.*)/s, 2) : [arg, undefined];
    if (spec.flags.includes(name)) {
      out[name] = true;
    } else if (spec.values.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value`);
      out[name] = value;
    } else {
      throw new Error(`unknown argument '${arg}'`);
    }
  }
  return out;
}
