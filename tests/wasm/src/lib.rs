//! The code the server and the islands share (`domain`, the invite form's
//! checks, how moments are worded), tested as the server runs it (`cargo
//! test -p boardroom-shared-tests`) and as the browser does (the same tests
//! built for `wasm32-unknown-unknown` and run by `wasm-bindgen-test-runner`).
