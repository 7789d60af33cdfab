/** The version of @peaka/api. The one place it is written; a test keeps it equal to package.json. */
export const VERSION = "0.1.0";
