//! The conversations between components, as `impl World` blocks: a worker's
//! receives from its queue, a message's work (processing and downstream calls),
//! the calls themselves, and a managed poller's invocations and scaling.

mod calls;
mod client;
mod invoke;
mod log;
mod prefetch;
mod publish;
mod push;
mod receive;
mod work;
