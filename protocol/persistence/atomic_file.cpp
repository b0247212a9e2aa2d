#include "protocol/persistence/atomic_file.h"

#include "protocol/base/assert.h"
#include "protocol/persistence/data_dir.h"

namespace zab {

std::string atomic_tmp_name(const std::string& name) {
  ZAB_ASSERT(!name.empty(), "an atomically written file has a name");
  ZAB_ASSERT(!name.ends_with(kTmpExtension), "the target of an atomic write is not itself a tmp file");
  return name + std::string(kTmpExtension);
}

void AtomicFileWriter::begin(const std::string& name, Bytes bytes, std::uint64_t tag,
                             std::vector<Output>& out) {
  ZAB_ASSERT(!pending_.contains(tag), "an atomic write's fsync tag is not shared with another");
  ZAB_ASSERT(!writing(name), "one file is written atomically by one write at a time");
  const std::string tmp = atomic_tmp_name(name);
  out.push_back(out::WriteFile{tmp, std::move(bytes)});
  out.push_back(out::Fsync{tmp, tag});
  pending_.emplace(tag, Pending{name});
  ZAB_ASSERT(writing(name), "a begun atomic write is pending until its fsync completes");
}

std::optional<std::string> AtomicFileWriter::on_fsync_done(std::uint64_t tag, std::vector<Output>& out) {
  const auto it = pending_.find(tag);
  if (it == pending_.end()) return std::nullopt;
  const std::string name = it->second.name;
  ZAB_ASSERT(!name.empty(), "a pending atomic write names its file");
  if (!it->second.renamed) {
    // renameTo replaces the target on POSIX; the "delete then rename again" fallback is for
    // Windows and never runs here.
    out.push_back(out::Rename{atomic_tmp_name(name), name});
    if (fsync_after_rename_) {
      // D31: any fsync commits the namespace changes issued before it; fsyncing the renamed
      // file itself makes the rename durable before anyone relies on the new contents.
      it->second.renamed = true;
      out.push_back(out::Fsync{name, tag});
      ZAB_ASSERT(writing(name), "a renamed file's write stays pending until the rename is durable");
      return std::nullopt;
    }
  }
  pending_.erase(it);
  ZAB_ASSERT(!writing(name), "a finished atomic write is no longer pending");
  return name;
}

bool AtomicFileWriter::writing(const std::string& name) const {
  for (const auto& [tag, pending] : pending_) {
    if (pending.name == name) return true;
  }
  return false;
}

}  // namespace zab
