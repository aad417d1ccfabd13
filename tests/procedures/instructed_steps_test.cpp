// What the exchange instructed (seed 8.3.3.3's pre-condition): only the enrolments told to enrol a
// certificate are held, each until its expiry, and the expired ones are dropped as others come.
#include "procedures/instructed_steps.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

namespace rspf::procedures {
namespace {

using std::chrono::hours;

TEST(InstructedSteps, OnlyAnEnrolmentInstructedToEnrolACertificateIsHeld) {
  InstructedSteps steps;
  steps.record("aa", now() + hours(1), true);
  steps.record("bb", now() + hours(1), false);
  EXPECT_TRUE(steps.instructedCertificateEnrolment("aa"));
  EXPECT_FALSE(steps.instructedCertificateEnrolment("bb"));
  EXPECT_FALSE(steps.instructedCertificateEnrolment("cc"));  // never recorded
  EXPECT_EQ(steps.held(), 1u);
  // The same enrolment recorded again without the instruction is no longer instructed.
  steps.record("aa", now() + hours(1), false);
  EXPECT_FALSE(steps.instructedCertificateEnrolment("aa"));
  EXPECT_EQ(steps.held(), 0u);
}

TEST(InstructedSteps, AnExpiredEnrolmentIsNotInstructedAndIsDroppedByTheNextRecord) {
  InstructedSteps steps;
  steps.record("old", now() - std::chrono::seconds(1), true);
  EXPECT_FALSE(steps.instructedCertificateEnrolment("old"));
  steps.record("new", now() + hours(1), true);
  EXPECT_EQ(steps.held(), 1u);  // "old" is gone
  EXPECT_TRUE(steps.instructedCertificateEnrolment("new"));
}

TEST(InstructedSteps, ARecordWithALaterExpiryOutlivesItsEarlierIndexEntry) {
  InstructedSteps steps;
  steps.record("aa", now() + std::chrono::seconds(1), true);  // TimePoint counts whole seconds
  steps.record("aa", now() + hours(1), true);                 // the same enrolment, held longer
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  steps.record("bb", now() + hours(1), true);  // drops what is due: aa's first index entry
  EXPECT_TRUE(steps.instructedCertificateEnrolment("aa"));
  EXPECT_EQ(steps.held(), 2u);
}

TEST(InstructedSteps, ManyUninstructedEnrolmentsHoldNothing) {
  InstructedSteps steps;
  for (int i = 0; i < 10000; ++i) steps.record("k" + std::to_string(i), now() + hours(24), false);
  EXPECT_EQ(steps.held(), 0u);
}

}  // namespace
}  // namespace rspf::procedures
