// pnpm hooks. beforePacking shapes the package.json that `pnpm pack` / `pnpm publish` (and so
// `changeset publish`) put in a tarball: users get no devDependencies (they name private workspace
// packages such as @peaka/mock, and mean nothing to a consumer) and no scripts (they are the
// workspace's build and test commands; none runs at install). The rehearsal's manifest checks
// (`pnpm release:rehearse`) verify the published result.
module.exports = {
  hooks: {
    beforePacking(pkg) {
      delete pkg.devDependencies;
      delete pkg.scripts;
      return pkg;
    },
  },
};
