//! The integration tests: one binary, modules by feature. Servers are real (loopback, port 0),
//! child processes are real; bounds are generous and exact figures are exact by construction.

use concbench::measure::alloc::CountingAlloc;

// The allocator tests read this; they run in a process of their own (see `alloc`).
#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

mod adversarial;
mod alloc;
mod browser;
mod cli;
mod client;
mod compare;
mod cpu;
mod deploy;
mod faults;
mod fixtures;
mod golden;
mod interrupt;
mod io;
mod lang;
mod layers;
mod open;
mod props;
mod python;
mod rates;
mod report;
mod requests;
mod scale;
mod segments;
mod server;
mod suite;
mod support;
mod threads;
