#pragma once
// The progress of `rspf admin enrolee import` on standard error: a bar redrawn in place when it is a
// terminal, else a plain count every 1000 rows and at the end (for logs of scripted imports).
#include <unistd.h>

#include <cstddef>
#include <iostream>
#include <string>

namespace rspf::cli {

class ImportProgress {
 public:
  ImportProgress() : terminal_(::isatty(STDERR_FILENO) == 1) {}

  void update(std::size_t done, std::size_t total) {
    if (terminal_) {
      constexpr std::size_t kWidth = 40;
      std::size_t filled = total == 0 ? kWidth : done * kWidth / total;
      std::cerr << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, ' ') << "] " << done << "/"
                << total << std::flush;
      if (done == total) std::cerr << "\n";
    } else if (done % 1000 == 0 || done == total) {
      std::cerr << "processed " << done << " of " << total << " rows\n";
    }
  }

 private:
  bool terminal_;
};

}  // namespace rspf::cli
