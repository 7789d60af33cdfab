// A Node module hook for tests: resolving @peaka/simulator fails as it does where the package is not
// installed, so that `peaka-mcp --simulator` can be run as a user without it would run it.
import { register } from "node:module";

register(
  `data:text/javascript,${encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (specifier === "@peaka/simulator" || specifier.startsWith("@peaka/simulator/")) {
    const error = new Error("Cannot find package '@peaka/simulator' imported from " + context.parentURL);
    error.code = "ERR_MODULE_NOT_FOUND";
    throw error;
  }
  return next(specifier, context);
}`)}`,
);
