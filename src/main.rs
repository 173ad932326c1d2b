//! The `concbench` binary: parse arguments, call [`concbench::run`], map the outcome to an exit code.

use concbench::measure::alloc::CountingAlloc;

/// Every heap figure concbench reports comes from this allocator (see `measure::alloc`).
#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

fn main() -> std::process::ExitCode {
    concbench::main_entry()
}
