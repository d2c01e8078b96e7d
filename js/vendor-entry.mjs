// The parts of @noble/hashes and @noble/curves the site's verifier uses, bundled by
// scripts/vendor-js.sh into one classic script (crates/intact/src/site/assets/vendor/noble.js)
// that sets globalThis.IntactNoble — classic, so pages work from file:// too.
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { ed25519 } from '@noble/curves/ed25519.js';

globalThis.IntactNoble = {
  sha256,
  sha512,
  ed25519Verify: (sig, msg, pub) => ed25519.verify(sig, msg, pub),
};
