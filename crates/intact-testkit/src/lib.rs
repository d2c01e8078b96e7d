//! Test kit for intact (filled in by the test-kit step).
