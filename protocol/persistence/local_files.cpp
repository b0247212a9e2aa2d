#include "protocol/persistence/local_files.h"

#include <algorithm>

#include "protocol/base/assert.h"

namespace zab {

void LocalFiles::reset(const DurableFiles& files) {
  files_ = files;
  seen_ = 0;
}

void LocalFiles::catch_up(const std::vector<Output>& out) {
  ZAB_ASSERT(seen_ <= out.size(), "a step's outputs only grow: the view never saw more than there is");
  for (; seen_ < out.size(); ++seen_) {
    std::visit(
        [&](const auto& o) {
          using T = std::decay_t<decltype(o)>;
          if constexpr (std::is_same_v<T, out::Append>) {
            ZAB_ASSERT(files_.contains(o.file), "a log file is created (its header written) before records are appended");
            Bytes& f = files_[o.file];
            f.insert(f.end(), o.bytes.begin(), o.bytes.end());
          } else if constexpr (std::is_same_v<T, out::WriteFile>) {
            files_[o.file] = o.bytes;
          } else if constexpr (std::is_same_v<T, out::Truncate>) {
            ZAB_ASSERT(files_.contains(o.file), "only a log file that exists is truncated");
            Bytes& f = files_[o.file];
            f.resize(std::min<std::uint64_t>(f.size(), o.size));
          } else if constexpr (std::is_same_v<T, out::Rename>) {
            auto it = files_.find(o.from);
            if (it != files_.end() && o.from != o.to) {
              Bytes moved = std::move(it->second);
              files_.erase(it);
              files_[o.to] = std::move(moved);
            }
          } else if constexpr (std::is_same_v<T, out::Remove>) {
            files_.erase(o.file);
          }
        },
        out[seen_]);
  }
}

}  // namespace zab
