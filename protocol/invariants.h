#pragma once
// Whether each server runs the whole-state invariants pass after every step, as LogCabin's
// RaftConsensusInvariants checks the whole server after each step.
//
// QuorumPeer::check_invariants is the single entry point. After every step of a running server,
// in every build and whatever this switch says, it checks the server's state against its role
// and then every component's own invariants: the election (QuorumCnxManager, FastLeaderElection),
// the epoch store, the logger and its txn-log index, the leader with each learner handler, the
// follower, the client port with the leader's session tracker and PrepRequestProcessor, and
// the database (the committedLog window's ends, the session table). This switch decides how
// often the database's O(size) walks run — every node of the data tree, every committedLog
// entry: on, after every step while they hold at most 16 entries together and, beyond, after
// every (entries / 16)-th step, i.e. about 16 entry visits per step; off, after every 1024th step.
//
// On by default, so every test run and every `zabsim` command has it. `zabsim fuzz` and
// `zabsim bench` take --fast-invariants to switch it off for speed: measured with
// `zabsim bench fuzz --runs 300 --jobs 1` (user CPU time), a campaign runs about 1.3 times as
// fast without it; `zabsim bench run` (the demo scenario) about 1.1 times.
// One process-wide switch, set before any world is built (the fuzzing pool's forked workers
// inherit it); an atomic, so that reading it from any thread is defined.

namespace zab {

bool whole_state_invariants();
void set_whole_state_invariants(bool on);

}  // namespace zab
