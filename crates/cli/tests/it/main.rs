//! Integration tests: the real `tuquan` binary on a random port, against a real database —
//! a temporary SQLite file, and a fresh PostgreSQL database per test when
//! `TUQUAN_TEST_POSTGRES_URL` is set (dropped afterwards).
//!
//! One test binary for all of them: each extra binary costs a link on a 2-core machine.

mod harness;

mod a11y;
mod a11y_areas;
mod access;
mod action_items;
mod announcements;
mod api;
mod audit_log;
mod backup;
mod browser;
mod cli;
mod consultation_lists;
mod consultations;
mod contract;
mod contract_attendance;
mod crash;
mod delivery;
mod documents;
mod elections;
mod erasure_text;
mod every_error;
mod feedback;
mod feedback_every_error;
mod feedback_forms;
mod feedback_jobs;
mod feedback_pages;
mod feedback_staff_pages;
mod forms;
mod groups;
mod hardening;
mod hardening_access;
mod hardening_feedback;
mod hardening_people;
mod history_fixes;
mod humanity;
mod import;
mod main_pages;
mod meetings;
mod open311;
mod pages;
mod people;
mod public_base_url;
mod restructuring_after;
mod restructuring_apply;
mod restructuring_beats;
mod restructuring_history;
mod restructuring_regroup;
mod restructuring_schemes;
mod restructuring_walk;
mod snapshots;
mod start;
mod stats;
mod synthetic;
mod vote_extras;
mod votes;
mod write_contention;
