#pragma once
// A stand-in for the DataTree in persistence tests: path -> data, serialized as
// (path, data) pairs ending with the path "/" like DataTree.serialize, and changed by txns.

#include <map>
#include <string>

#include "protocol/base/codec.h"
#include "protocol/database/txn.h"

namespace zab::test {

struct FakeTree {
  std::map<std::string, std::string> nodes;  // path -> data
  Zxid last_processed_zxid;
  std::vector<Zxid> applied;  // every txn processed, in order

  void serialize(Writer& w) const {
    for (const auto& [path, data] : nodes) {
      w.string(path);
      w.string(data);
    }
    w.string("/");
  }

  bool deserialize(Reader& r) {
    nodes.clear();
    // Bounded by the input: every pair consumes at least 8 bytes and the reader fails at the end.
    for (std::string path = r.string(); r.ok() && path != "/"; path = r.string()) {
      nodes[path] = r.string();
    }
    return r.ok();
  }

  void process_txn(const Txn& txn) {
    if (const auto* set = std::get_if<SetDataTxn>(&txn.body)) {
      nodes[set->path] = std::string(set->data.begin(), set->data.end());
    }
    applied.push_back(txn.header.zxid);
    if (txn.header.zxid > last_processed_zxid) last_processed_zxid = txn.header.zxid;
  }
};

}  // namespace zab::test
