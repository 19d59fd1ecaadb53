/** Every workflow the workers serve. One bundle holds them all; each family has its own file. */
export * from './platform.js';
