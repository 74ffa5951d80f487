# The workbook's Makefile. `make help` lists what it does.
#
# Two build configurations, each under its own folder so they never mix:
#   build/learner/    checked build: index checks on A(i, j), libstdc++ assertions, -g.
#                     Used by check, progress, run (your code in chapters/).
#   build/reference/  optimised build. Used by test, mnist, run SOLUTION=1 (solutions/).
# Objects sit at their source path under build/<config>/obj/, so a stub and its
# solution never share an object file. Header changes are tracked (-MMD).

SHELL    := bash
CXX      ?= g++
CXXSTD   := -std=c++20
WARNINGS := -Wall -Wextra -Wpedantic
CPPFLAGS := -I. -MMD -MP
# -ffp-contract=off: no fused multiply-add, so results do not depend on the CPU.
learner_CXXFLAGS   := -O1 -g -ffp-contract=off -DMATRIX_CHECKED -D_GLIBCXX_ASSERTIONS
# common/ is not yours to debug, and its matmul carries chapter 7's training test: it is
# optimised fully even in the checked build (index checks stay on), which keeps
# make check CH=07 near 3 s. Vectorising changes no result (no FMA, no reassociation).
learner_common_CXXFLAGS := -O3 -march=native -Wno-restrict
# Chapter 09 is about speed, so its code (stubs, solutions, tests, program) is optimised
# for this machine in every build: timing it at -O1 would teach the wrong lessons, and its
# 64-byte Lanes need the CPU's vector registers (without them GCC warns that they are
# passed differently). Its index checks and assertions stay on in the learner's build.
speed_SOURCES := chapters/09_% solutions/09_% tests/09_%
learner_speed_CXXFLAGS := -O3 -march=native
sanitize_speed_CXXFLAGS := -march=native
# -O3 -march=native: the reference build is made for the machine it runs on (AVX on a recent
# CPU), same results (no FMA, no -ffast-math); -Wno-restrict: GCC 12's false positive on
# std::string concatenation at -O3 (GCC bug 105329). See BENCHMARKS.md.
reference_CXXFLAGS := -O3 -march=native -ffp-contract=off -DNDEBUG -Wno-restrict
# The solutions under AddressSanitizer and UndefinedBehaviorSanitizer (make sanitize).
sanitize_CXXFLAGS  := -O1 -g -ffp-contract=off -fsanitize=address,undefined -fno-omit-frame-pointer -DMATRIX_CHECKED
LDLIBS   := -pthread
TESTLIBS := -lgtest -pthread

# Chapter folders in course order: 00_welcome 01_numerical_diff ...
CHAPTERS := $(patsubst chapters/%/README.md,%,$(sort $(wildcard chapters/[0-9][0-9]_*/README.md)))
COMMON_SRC := $(sort $(wildcard common/*.cpp))
COMMON_TESTS := $(sort $(wildcard tests/common_*_test.cpp))
TEST_MAIN := tests/support/test_main.cpp

# $(call exercises,03_gradient_descent): the exercise files, those with a solution.
exercises = $(notdir $(wildcard solutions/$(1)/*.cpp))
# Code a chapter gives ready-made: its .cpp files other than exercises and main.cpp.
given = $(filter-out main.cpp $(call exercises,$(1)),$(notdir $(wildcard chapters/$(1)/*.cpp)))
# $(call code,CHAPTER,TREE): a chapter's code with its exercises taken from TREE.
code = $(addprefix $(2)/$(1)/,$(call exercises,$(1))) $(addprefix chapters/$(1)/,$(call given,$(1)))
# $(call objs,CONFIG,SOURCES)
objs = $(patsubst %.cpp,build/$(1)/obj/%.o,$(2))

# The chapter named by CH=3, CH=03 or CH=03_gradient_descent.
CH_WORD := $(firstword $(subst _, ,$(CH)))
CH_NUM := $(if $(CH),$(shell [[ "$(CH_WORD)" =~ ^[0-9]+$$ ]] && printf '%02d' $$((10#$(CH_WORD)))))
CH_DIR := $(if $(CH_NUM),$(filter $(CH_NUM)_%,$(CHAPTERS)))

GTEST_HEADER := $(firstword $(wildcard /usr/include/gtest/gtest.h /usr/local/include/gtest/gtest.h))
NEED_GTEST = $(if $(GTEST_HEADER),,$(error GoogleTest is not installed. HINT: sudo apt-get install libgtest-dev))

.DEFAULT_GOAL := help
.PHONY: help check progress run watch reset test data mnist sanitize fuzz mutants clean require-ch

# ---------------------------------------------------------------------------------------
# One set of rules per chapter. PREV holds the chapters before it (01.. ; 00 stands alone).
# For chapter C the binaries are:
#   build/learner/bin/C_test             your chapters 01..C
#   build/learner/bin/C_test_prev_solutions  solutions/ for earlier chapters, yours for C
#                                        (also the stubs' binary for the bite check)
#   build/reference/bin/C_test           solutions/ throughout
#   build/<config>/bin/C_program[_prev_solutions]  the chapter's main.cpp, likewise
define chapter_rules
$(1)_OWN  := $(foreach p,$(PREV),$(call code,$(p),chapters)) $(call code,$(1),chapters)
$(1)_MIX  := $(foreach p,$(PREV),$(call code,$(p),solutions)) $(call code,$(1),chapters)
$(1)_REF  := $(foreach p,$(PREV),$(call code,$(p),solutions)) $(call code,$(1),solutions)

build/learner/bin/$(1)_test: $$(call objs,learner,$$($(1)_OWN) $(COMMON_SRC) tests/$(1)_test.cpp $(TEST_MAIN))
build/learner/bin/$(1)_test_prev_solutions: $$(call objs,learner,$$($(1)_MIX) $(COMMON_SRC) tests/$(1)_test.cpp $(TEST_MAIN))
build/reference/bin/$(1)_test: $$(call objs,reference,$$($(1)_REF) $(COMMON_SRC) tests/$(1)_test.cpp $(TEST_MAIN))
build/learner/bin/$(1)_program: $$(call objs,learner,$$($(1)_OWN) $(COMMON_SRC) chapters/$(1)/main.cpp)
build/learner/bin/$(1)_program_prev_solutions: $$(call objs,learner,$$($(1)_MIX) $(COMMON_SRC) chapters/$(1)/main.cpp)
build/reference/bin/$(1)_program: $$(call objs,reference,$$($(1)_REF) $(COMMON_SRC) chapters/$(1)/main.cpp)
build/sanitize/bin/$(1)_test: $$(call objs,sanitize,$$($(1)_REF) $(COMMON_SRC) tests/$(1)_test.cpp $(TEST_MAIN))
build/sanitize/bin/$(1)_program: $$(call objs,sanitize,$$($(1)_REF) $(COMMON_SRC) chapters/$(1)/main.cpp)
endef

PREV :=
$(foreach c,$(CHAPTERS),$(eval $(call chapter_rules,$(c)))$(if $(filter 00_%,$(c)),,$(eval PREV += $(c))))

# Tests of common/ (Matrix, MNIST reader, SVG) in one binary per configuration.
build/reference/bin/common_test: $(call objs,reference,$(COMMON_SRC) $(COMMON_TESTS) $(TEST_MAIN))
build/learner/bin/common_test: $(call objs,learner,$(COMMON_SRC) $(COMMON_TESTS) $(TEST_MAIN))
build/sanitize/bin/common_test: $(call objs,sanitize,$(COMMON_SRC) $(COMMON_TESTS) $(TEST_MAIN))

# Link rules. (Written out one by one: a pattern rule with two targets would mean
# "one command makes both".)
# The sanitizers need their runtime at link time too.
config_LDFLAGS = $(if $(filter build/sanitize/%,$@),-fsanitize=address$(,)undefined)
, := ,
LINK_TEST = $(NEED_GTEST)@mkdir -p $(@D) && echo "  LINK  $@" && $(CXX) $(config_LDFLAGS) $^ -o $@ $(TESTLIBS)
LINK_PROGRAM = @mkdir -p $(@D) && echo "  LINK  $@" && $(CXX) $(config_LDFLAGS) $^ -o $@ $(LDLIBS)
build/%_test:
	$(LINK_TEST)
build/%_test_prev_solutions:
	$(LINK_TEST)
build/%_program:
	$(LINK_PROGRAM)
build/%_program_prev_solutions:
	$(LINK_PROGRAM)

build/learner/obj/%.o: %.cpp
	@mkdir -p $(@D)
	@echo "  CXX   $<  (learner)"
	@$(CXX) $(CXXSTD) $(WARNINGS) $(CPPFLAGS) $(learner_CXXFLAGS) $(if $(filter common/%,$<),$(learner_common_CXXFLAGS)) $(if $(filter $(speed_SOURCES),$<),$(learner_speed_CXXFLAGS)) -c $< -o $@

build/reference/obj/%.o: %.cpp
	@mkdir -p $(@D)
	@echo "  CXX   $<  (reference)"
	@$(CXX) $(CXXSTD) $(WARNINGS) $(CPPFLAGS) $(reference_CXXFLAGS) -c $< -o $@

build/sanitize/obj/%.o: %.cpp
	@mkdir -p $(@D)
	@echo "  CXX   $<  (sanitize)"
	@$(CXX) $(CXXSTD) $(WARNINGS) $(CPPFLAGS) $(sanitize_CXXFLAGS) $(if $(filter $(speed_SOURCES),$<),$(sanitize_speed_CXXFLAGS)) -c $< -o $@

-include $(shell find build -name '*.d' 2>/dev/null)

# ---------------------------------------------------------------------------------------
# The learner's commands.

# Which binaries `check` and `run` use: your chapters, or solutions/ before CH.
LEARNER_SUFFIX := $(if $(filter solutions,$(PREVIOUS)),_prev_solutions,)
CONFIG := $(if $(SOLUTION),reference,learner)
RUN_BIN := build/$(CONFIG)/bin/$(CH_DIR)_program$(if $(SOLUTION),,$(LEARNER_SUFFIX))

help:
	@bash tools/help.sh $(CHAPTERS)

require-ch:
	@test -n "$(CH_DIR)" || { echo "error: $(if $(CH),CH=$(CH) names no chapter,this command needs a chapter: CH=NN)."; \
	  echo "Chapters: $(CHAPTERS)"; echo "HINT: make $(firstword $(MAKECMDGOALS)) CH=$(or $(CH_NUM),00)"; exit 2; }

check: require-ch
	@bash tools/check.sh $(CH_DIR) build/learner/bin/$(CH_DIR)_test$(LEARNER_SUFFIX) "$(PREVIOUS)"

progress:
	@bash tools/progress.sh $(CHAPTERS)

# The build's own output is shown only when it fails, so the program's output stays clean.
run: require-ch
	@mkdir -p build && $(MAKE) --no-print-directory $(RUN_BIN) >build/run-build.log 2>&1 || \
	  { grep -v '^  \(CXX\|LINK\) ' build/run-build.log; exit 1; }
	@./$(RUN_BIN) $(ARGS)

watch: require-ch
	@bash tools/watch.sh $(CH_DIR) "$(PREVIOUS)"

reset: require-ch
	@bash tools/reset.sh $(CH_DIR) "$(CONFIRM)"

# Real MNIST in data/mnist/, each file verified by SHA-256 (see tools/fetch_mnist.sh).
DATA ?= data/mnist
data:
	@bash tools/fetch_mnist.sh $(DATA)

# The main job: fetch the data if needed, then train the reference two-layer net with the
# book's settings (784-50-10, batch 100, lr 0.1, 10,000 iterations).
MNIST_CHAPTER := $(filter 07_%,$(CHAPTERS))
mnist: data
	@test -n "$(MNIST_CHAPTER)" || { echo "error: chapter 07 is not in this checkout"; exit 1; }
	@mkdir -p build && $(MAKE) --no-print-directory build/reference/bin/$(MNIST_CHAPTER)_program >build/run-build.log 2>&1 || \
	  { grep -v '^  \(CXX\|LINK\) ' build/run-build.log; exit 1; }
	@./build/reference/bin/$(MNIST_CHAPTER)_program --data $(DATA) $(ARGS)

# The maintainers' and CI's command: every test on solutions/, then the proof that the
# tests bite on the stubs. Ends with "N passed, N failed".
test:
	@bash tools/test.sh $(CHAPTERS)

# Quality gates (issue: never crash, never lie). Each is a script in tools/.
# make sanitize: every test on solutions/ under ASan + UBSan (leaks included).
sanitize:
	@bash tools/sanitize.sh $(CHAPTERS)

# make fuzz [FUZZ_SECONDS=60]: libFuzzer on the IDX reader, from tests/fuzz/corpus.
FUZZ_SECONDS ?= 60
fuzz:
	@bash tools/fuzz.sh $(FUZZ_SECONDS)

# make mutants: apply each plausible bug in tests/mutants/ to solutions/; tests must fail.
mutants:
	@bash tools/mutants.sh

clean:
	rm -rf build out

# make bench: Google Benchmark on chapter 09's kernels and steps against the plain ones,
# built under build/bench/ (tools/bench.sh; BENCH_FLAGS, BENCH_ARGS, BENCH_FILTER).
bench:
	@bash tools/bench.sh
