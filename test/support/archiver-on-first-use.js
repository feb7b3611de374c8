// Jest loads every module afresh for each test file. cdktf requires archiver at start-up (for
// TerraformAsset's zip files), and with it lodash, readable-stream and the zip and tar streams:
// about 250 of the ~380 modules `require("cdktf")` loads, and half its load time. No test here
// declares an asset, so jest.config.js maps `archiver` to this, which loads the real one the
// first time cdktf calls it.
let real;
const load = () => (real ??= require("archiver/index.js"));
module.exports = new Proxy(function archiver() {}, {
  apply: (_target, self, args) => load().apply(self, args),
  get: (_target, property) => load()[property],
});
