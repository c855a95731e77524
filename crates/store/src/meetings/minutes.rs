//! The minutes' versions (filled in next).
