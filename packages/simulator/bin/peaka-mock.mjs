#!/usr/bin/env node
// Runs src/cli.ts through tsx: the package is private and ships its TypeScript source as it is.
import { register } from "tsx/esm/api";

register();
await import("../src/cli.ts");
