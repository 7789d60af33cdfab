// One Prism per test run (see @peaka/mock/vitest-setup); tests read its URL with inject("prismUrl").
export { setup, teardown } from "@peaka/mock/vitest-setup";
