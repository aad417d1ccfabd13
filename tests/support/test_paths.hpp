#pragma once
// Where the tests find the rspf binary, the independently computed vectors (tests/vectors) and
// docs/. The paths live in one source file generated at configure time (<build>/tests/
// test_paths.cpp), not in compile definitions: a compile command that holds no absolute path is the
// same in every clone, so ccache serves a fresh clone at another path (CI) from the cache.
namespace rspf::testing {
const char* rspfBinary();
const char* vectorsDir();
const char* docsDir();
}  // namespace rspf::testing

#define RSPF_BINARY (::rspf::testing::rspfBinary())
#define RSPF_VECTORS_DIR (::rspf::testing::vectorsDir())
#define RSPF_DOCS_DIR (::rspf::testing::docsDir())
