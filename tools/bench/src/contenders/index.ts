/**
 * All contenders, Curio first (table column order).
 * @packageDocumentation
 */
import type { Contender } from '../contender.js';

/** Column order of the table. */
export const CONTENDER_NAMES = ['curio', 'async/promise', 'Effect', 'Effection'] as const;

/** Loads one contender by name; imports lazily, so a child process loads only its own library. */
export async function loadContender(name: string): Promise<Contender> {
  switch (name) {
    case 'curio':
      return (await import('./curio.js')).curio;
    case 'async/promise':
      return (await import('./promise.js')).promises;
    case 'Effect':
      return (await import('./effect.js')).effect;
    case 'Effection':
      return (await import('./effection.js')).effection;
  }
  throw new Error(`unknown contender '${name}' (known: ${CONTENDER_NAMES.join(', ')})`);
}
