// The generator tests write real workspaces under the repository's tmp/ (git-ignored) and
// run the generated projects' build, lint, typecheck and test there: one suite at a time.
module.exports = { ...require('../../jest.preset.cjs')(__dirname, 'nx'), maxWorkers: 1 };
