//! The roll and attendance (filled in next).
