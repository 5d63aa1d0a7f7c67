import type { Rule } from '../index';

/** Every rule, in the order they run. One file per rule; ids are stable. */
export const rules: Rule[] = [];
