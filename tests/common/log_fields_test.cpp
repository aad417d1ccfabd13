// ScopedLogFields: the fields of a thread's log lines, built only when the log format reads them.
#include "common/log_fields.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace rspf {
namespace {

class LogFields : public ::testing::Test {
 protected:
  ~LogFields() override { setLogFieldsWanted(false); }
};

TEST_F(LogFields, WithTheTextFormatNothingIsBuilt) {
  setLogFieldsWanted(false);
  int built = 0;
  {
    ScopedLogFields fields([&] {
      ++built;
      return nlohmann::json{{"event", "enrolled"}};
    });
    EXPECT_EQ(currentLogFields(), nullptr);
  }
  EXPECT_EQ(built, 0);
}

TEST_F(LogFields, WantedFieldsNestAndAreRestoredPerThread) {
  setLogFieldsWanted(true);
  {
    ScopedLogFields outer([] { return nlohmann::json{{"remote", "192.0.2.1"}}; });
    ASSERT_NE(currentLogFields(), nullptr);
    {
      ScopedLogFields inner([] { return nlohmann::json{{"event", "enrolled"}}; });
      EXPECT_EQ((*currentLogFields())["event"], "enrolled");
      std::thread([] { EXPECT_EQ(currentLogFields(), nullptr); }).join();  // another thread's lines
    }
    EXPECT_EQ((*currentLogFields())["remote"], "192.0.2.1");
  }
  EXPECT_EQ(currentLogFields(), nullptr);
}

}  // namespace
}  // namespace rspf
