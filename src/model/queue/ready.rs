//! The visible messages of a queue. Standard: one deque, oldest first (a message
//! whose visibility expired goes back to the front, as it is older than anything
//! published since it was received). FIFO: a deque per message group and a list of
//! groups that may deliver — a group with a message in flight is blocked
//! (head-of-line blocking).

use crate::model::message::Arena;
use std::collections::{HashMap, VecDeque};

#[derive(Default)]
pub struct Group {
    msgs: VecDeque<u32>,
    in_flight: u32,
    listed: bool,
}

pub enum Ready {
    Standard(VecDeque<u32>),
    Fifo {
        groups: HashMap<u32, Group>,
        ready: VecDeque<u32>,
    },
}

impl Ready {
    pub fn new(fifo: bool) -> Ready {
        if fifo {
            Ready::Fifo {
                groups: HashMap::new(),
                ready: VecDeque::new(),
            }
        } else {
            Ready::Standard(VecDeque::new())
        }
    }

    /// A message that became visible for the first time (new, delayed, dead-lettered).
    /// Inlined at every publish; a FIFO group's line is `push_back_grouped`'s.
    #[inline(always)]
    pub fn push_back(&mut self, slot: u32, key: u32) {
        match self {
            Ready::Standard(q) => q.push_back(slot),
            Ready::Fifo { groups, ready } => push_back_grouped(groups, ready, slot, key),
        }
    }

    /// A message back from flight (its visibility expired): front of its line, and
    /// its group is released.
    pub fn push_returned(&mut self, slot: u32, key: u32) {
        match self {
            Ready::Standard(q) => q.push_front(slot),
            Ready::Fifo { groups, ready } => {
                let g = groups.entry(key).or_default();
                g.msgs.push_front(slot);
                g.in_flight = g.in_flight.saturating_sub(1);
                list(g, key, ready);
            }
        }
    }

    /// A message of group `key` left flight without coming back (deleted).
    /// Inlined: for a standard queue the check is all it costs.
    #[inline]
    pub fn settle(&mut self, key: u32) {
        if let Ready::Fifo { .. } = self {
            self.settle_group(key);
        }
    }

    #[inline(never)]
    fn settle_group(&mut self, key: u32) {
        if let Ready::Fifo { groups, ready } = self
            && let Some(g) = groups.get_mut(&key)
        {
            g.in_flight = g.in_flight.saturating_sub(1);
            list(g, key, ready);
            if g.in_flight == 0 && g.msgs.is_empty() {
                groups.remove(&key);
            }
        }
    }

    /// Next candidate for a receive. In FIFO mode it keeps drawing from the same
    /// group while the batch lasts (SQS returns a group's messages together);
    /// `delivered` marks that the previous candidate was delivered.
    #[inline]
    pub fn pop(&mut self) -> Option<u32> {
        match self {
            Ready::Standard(q) => q.pop_front(),
            Ready::Fifo { groups, ready } => loop {
                let key = *ready.front()?;
                let g = groups.get_mut(&key).expect("listed group exists");
                if let Some(s) = g.msgs.pop_front() {
                    return Some(s);
                }
                g.listed = false;
                ready.pop_front();
            },
        }
    }

    /// Puts back the candidate just popped, undelivered (a receive cut
    /// short): it is next again.
    pub fn unpop(&mut self, slot: u32, key: u32) {
        match self {
            Ready::Standard(q) => q.push_front(slot),
            Ready::Fifo { groups, .. } => {
                // Its group is still listed: popping never unlists a group
                // that had a message.
                if let Some(g) = groups.get_mut(&key) {
                    g.msgs.push_front(slot);
                }
            }
        }
    }

    /// The candidate just popped was delivered: its group now has one in flight.
    #[inline]
    pub fn delivered(&mut self, key: u32) {
        if let Ready::Fifo { groups, .. } = self
            && let Some(g) = groups.get_mut(&key)
        {
            g.in_flight += 1;
        }
    }

    /// End of a receive: groups with messages in flight leave the ready list.
    /// Inlined as `settle`.
    #[inline]
    pub fn end_receive(&mut self) {
        if let Ready::Fifo { .. } = self {
            self.unlist_blocked();
        }
    }

    #[inline(never)]
    fn unlist_blocked(&mut self) {
        if let Ready::Fifo { groups, ready } = self {
            while let Some(&key) = ready.front() {
                let g = groups.get_mut(&key).expect("listed group exists");
                if g.in_flight > 0 || g.msgs.is_empty() {
                    g.listed = false;
                    ready.pop_front();
                } else {
                    break;
                }
            }
        }
    }

    /// The oldest visible message's slot (standard: the front).
    pub fn oldest(&self, arena: &Arena) -> Option<u32> {
        match self {
            Ready::Standard(q) => q.front().copied(),
            Ready::Fifo { groups, .. } => groups
                .values()
                .filter_map(|g| g.msgs.front().copied())
                .min_by_key(|&s| arena.get(s).published),
        }
    }

    /// Removes the oldest visible message (drop-oldest overflow).
    pub fn pop_oldest(&mut self, arena: &Arena) -> Option<u32> {
        match self {
            Ready::Standard(q) => q.pop_front(),
            Ready::Fifo { groups, .. } => {
                let key = groups
                    .iter()
                    .filter_map(|(k, g)| g.msgs.front().map(|&s| (arena.get(s).published, *k)))
                    .min()?
                    .1;
                groups.get_mut(&key).and_then(|g| g.msgs.pop_front())
            }
        }
    }

    /// Something can be delivered now.
    pub fn has_ready(&self) -> bool {
        match self {
            Ready::Standard(q) => !q.is_empty(),
            Ready::Fifo { ready, .. } => !ready.is_empty(),
        }
    }

    /// Groups with visible messages that wait behind one in flight.
    pub fn blocked_groups(&self) -> usize {
        match self {
            Ready::Standard(_) => 0,
            Ready::Fifo { groups, .. } => groups
                .values()
                .filter(|g| g.in_flight > 0 && !g.msgs.is_empty())
                .count(),
        }
    }
}

#[inline(never)]
fn push_back_grouped(
    groups: &mut HashMap<u32, Group>,
    ready: &mut VecDeque<u32>,
    slot: u32,
    key: u32,
) {
    let g = groups.entry(key).or_default();
    g.msgs.push_back(slot);
    list(g, key, ready);
}

#[inline]
fn list(g: &mut Group, key: u32, ready: &mut VecDeque<u32>) {
    if g.in_flight == 0 && !g.msgs.is_empty() && !g.listed {
        g.listed = true;
        ready.push_back(key);
    }
}
