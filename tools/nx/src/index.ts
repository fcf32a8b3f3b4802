/**
 * `@curio/nx`: Nx generators for Curio. `nx g @curio/nx:service NAME` and
 * `nx g @curio/nx:protocol NAME`; the generator functions are exported for use from
 * other generators.
 * @packageDocumentation
 */
export { serviceGenerator, type ServiceGeneratorSchema, type ServiceTransport } from './generators/service/generator.js';
export { protocolGenerator, type ProtocolGeneratorSchema } from './generators/protocol/generator.js';
