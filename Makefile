# The workbook's Makefile. `make help` lists what it does.
#
# Two build configurations, each under its own folder so they never mix:
#   build/learner/    checked build: index checks on A(i, j), libstdc++ assertions, -g.
#                     Used by check, progress, run (your code in chapters/).
#   build/reference/  optimised build. Used by test, mnist, run SOLUTION=1 (solutions/).
# Objects sit at their source path under build/<config>/obj/, so a stub and its
# solution never share an object file. Header changes are tracked (-MMD). A binary links
# only the common/ code its sources include (chapter 00 needs neither the MNIST reader
# nor the plots). Objects and binaries are written under a temporary name and renamed,
# so two builds at once (make watch and a make check) never see half a file.
# build/compile_commands.json, written with the first object, tells clangd-based editors
# (VS Code, CLion, vim, emacs) how each file is compiled.

SHELL    := bash
CXX      ?= g++
CXXSTD   := -std=c++20
WARNINGS := -Wall -Wextra -Wpedantic
CPPFLAGS := -I.
# -ffp-contract=off: no fused multiply-add, so results do not depend on the CPU.
learner_CXXFLAGS   := -O1 -g -ffp-contract=off -DMATRIX_CHECKED -D_GLIBCXX_ASSERTIONS
# common/ is not yours to debug, and its matrix product carries lesson 07's training
# test: it is optimised fully even in the checked build (index checks stay on), which
# keeps make check CH=07 near 3 s. Vectorising changes no result (no FMA, no reassociation).
learner_common_CXXFLAGS := -O3 -march=native -Wno-restrict
# The tests' own code only builds inputs and compares, and the runner (tests/support)
# only reports: unoptimised, they compile in half the time, which the first make check
# feels most. (Line numbers in a failure come from the source, not from -O.)
learner_tests_CXXFLAGS := -O0
# Chapter 09 is about speed, so its code (stubs, solutions, tests, program) is optimised
# for this machine in every build: timing it at -O1 would teach the wrong lessons, and its
# 64-byte Lanes need the CPU's vector registers (without them GCC warns that they are
# passed differently). Its index checks and assertions stay on in the learner's build.
speed_SOURCES := chapters/09_% solutions/09_% tests/09_% build/shipped/chapters/09_%
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

# Builds run in parallel, one job per core (JOBS=1 for one at a time); not when cleaning.
# Only the make you type sets it: the makes that tools/ start share its job slots.
JOBS ?= $(shell nproc 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo 2)
ifeq ($(MAKELEVEL)$(filter clean,$(MAKECMDGOALS)),0)
MAKEFLAGS += -j$(JOBS)
endif
MAKEFLAGS += --no-print-directory

# Chapter folders in course order: 00_welcome 01_numerical_diff ...
CHAPTERS := $(patsubst chapters/%/README.md,%,$(sort $(wildcard chapters/[0-9][0-9]_*/README.md)))
COMMON_TESTS := $(sort $(wildcard tests/common_*_test.cpp))
TEST_MAIN := tests/support/test_main.cpp tests/support/report.cpp tests/support/where.cpp
# The exercise stubs as shipped (from git, not your working copy), for make test's checks
# that the tests bite and that each program stops at a stub: see tools/shipped.sh.
SHIPPED := build/shipped/chapters

# $(call exercises,03_gradient_descent): the exercise files, those with a solution.
exercises = $(notdir $(wildcard solutions/$(1)/*.cpp))
# Code a chapter gives ready-made: its .cpp files other than exercises and main.cpp.
given = $(filter-out main.cpp $(call exercises,$(1)),$(notdir $(wildcard chapters/$(1)/*.cpp)))
# $(call code,CHAPTER,TREE): a chapter's code with its exercises taken from TREE.
code = $(addprefix $(2)/$(1)/,$(call exercises,$(1))) $(addprefix chapters/$(1)/,$(call given,$(1)))
# $(call objs,CONFIG,SOURCES)
objs = $(patsubst %.cpp,build/$(1)/obj/%.o,$(2))

# The common/ code that sources need, read from their #include lines: a header
# common/X.h brings common/X.cpp, and what that includes in turn.
includes = $(patsubst "%",%,$(filter "chapters/%.h" "common/%.h",$(file <$(1))))
own_cpp = $(if $(filter common/%.h,$(1)),$(wildcard $(1:.h=.cpp)))
# $(call reach,TODO,SEEN): SEEN and every file TODO leads to.
reach = $(if $(1),$(call reach,$(filter-out $(2) $(1),$(sort $(foreach f,$(1),$(call includes,$(f)) $(call own_cpp,$(f))))),$(2) $(1)),$(2))
# $(call with_common,SOURCES): SOURCES and the common/*.cpp they need.
with_common = $(1) $(filter-out $(1),$(filter common/%.cpp,$(call reach,$(1),)))

# The chapter named by CH=3, CH=03 or CH=03_gradient_descent.
CH_WORD := $(firstword $(subst _, ,$(CH)))
CH_NUM := $(if $(CH),$(shell [[ "$(CH_WORD)" =~ ^[0-9]+$$ ]] && printf '%02d' $$((10#$(CH_WORD)))))
CH_DIR := $(if $(filter 1,$(words $(CH))),$(if $(CH_NUM),$(filter $(CH_NUM)_%,$(CHAPTERS))))
# For a HINT: the chapter CH's first word names, if it names one, else the first chapter.
CH_NUMBERS := $(foreach c,$(CHAPTERS),$(firstword $(subst _, ,$(c))))
CH_HINT := $(or $(filter $(CH_NUM),$(CH_NUMBERS)),$(firstword $(CH_NUMBERS)))

GTEST_HEADER := $(firstword $(wildcard /usr/include/gtest/gtest.h /usr/local/include/gtest/gtest.h))
NEED_GTEST = $(if $(GTEST_HEADER),,$(error GoogleTest is not installed. HINT: sudo apt-get install libgtest-dev))

.DEFAULT_GOAL := help
.PHONY: help check progress run watch reset test data mnist sanitize fuzz mutants clean shipped

# ---------------------------------------------------------------------------------------
# One set of rules per chapter. PREV holds the chapters before it (01.. ; 00 stands alone).
# For chapter C the binaries are:
#   build/learner/bin/C_test             your chapters 01..C
#   build/learner/bin/C_test_prev_solutions  solutions/ for earlier chapters, yours for C
#   build/learner/bin/C_test_stubs       solutions/ for earlier chapters, C's stubs as
#                                        shipped (make test: the tests bite)
#   build/reference/bin/C_test           solutions/ throughout
#   build/<config>/bin/C_program[_prev_solutions|_stubs]  the chapter's main.cpp, likewise
define chapter_rules
$(1)_OWN   := $(foreach p,$(PREV),$(call code,$(p),chapters)) $(call code,$(1),chapters)
$(1)_MIX   := $(foreach p,$(PREV),$(call code,$(p),solutions)) $(call code,$(1),chapters)
$(1)_STUBS := $(foreach p,$(PREV),$(call code,$(p),solutions)) $(call code,$(1),$(SHIPPED))
$(1)_REF   := $(foreach p,$(PREV),$(call code,$(p),solutions)) $(call code,$(1),solutions)

build/learner/bin/$(1)_test: $$(call objs,learner,$$(call with_common,$$($(1)_OWN) tests/$(1)_test.cpp $(TEST_MAIN)))
build/learner/bin/$(1)_test_prev_solutions: $$(call objs,learner,$$(call with_common,$$($(1)_MIX) tests/$(1)_test.cpp $(TEST_MAIN)))
build/learner/bin/$(1)_test_stubs: $$(call objs,learner,$$(call with_common,$$($(1)_STUBS) tests/$(1)_test.cpp $(TEST_MAIN)))
build/reference/bin/$(1)_test: $$(call objs,reference,$$(call with_common,$$($(1)_REF) tests/$(1)_test.cpp $(TEST_MAIN)))
build/sanitize/bin/$(1)_test: $$(call objs,sanitize,$$(call with_common,$$($(1)_REF) tests/$(1)_test.cpp $(TEST_MAIN)))
ifneq ($(wildcard chapters/$(1)/main.cpp),)
build/learner/bin/$(1)_program: $$(call objs,learner,$$(call with_common,$$($(1)_OWN) chapters/$(1)/main.cpp))
build/learner/bin/$(1)_program_prev_solutions: $$(call objs,learner,$$(call with_common,$$($(1)_MIX) chapters/$(1)/main.cpp))
build/learner/bin/$(1)_program_stubs: $$(call objs,learner,$$(call with_common,$$($(1)_STUBS) chapters/$(1)/main.cpp))
build/reference/bin/$(1)_program: $$(call objs,reference,$$(call with_common,$$($(1)_REF) chapters/$(1)/main.cpp))
build/sanitize/bin/$(1)_program: $$(call objs,sanitize,$$(call with_common,$$($(1)_REF) chapters/$(1)/main.cpp))
endif
endef

PREV :=
$(foreach c,$(CHAPTERS),$(eval $(call chapter_rules,$(c)))$(if $(filter 00_%,$(c)),,$(eval PREV += $(c))))

# Tests of common/ (Matrix, MNIST reader, SVG) in one binary per configuration.
COMMON_TEST_SRC = $(call with_common,$(COMMON_TESTS) $(TEST_MAIN))
build/reference/bin/common_test: $(call objs,reference,$(COMMON_TEST_SRC))
build/learner/bin/common_test: $(call objs,learner,$(COMMON_TEST_SRC))
build/sanitize/bin/common_test: $(call objs,sanitize,$(COMMON_TEST_SRC))

# Link rules. (Written out one by one: a pattern rule with two targets would mean
# "one command makes both".) Linked to a temporary name, then renamed: a test that is
# running keeps its old file, and the next run gets the new one (no "Text file busy").
# The sanitizers need their runtime at link time too.
config_LDFLAGS = $(if $(filter build/sanitize/%,$@),-fsanitize=address$(,)undefined)
, := ,
link = @mkdir -p $(@D) && echo "  LINK  $@" && tmp=$@.$$$$.tmp && \
  $(CXX) $(config_LDFLAGS) $^ -o $$tmp $(1) && mv -f $$tmp $@ || { rm -f $$tmp; exit 1; }
build/%_test:
	$(NEED_GTEST)$(call link,$(TESTLIBS))
build/%_test_prev_solutions:
	$(NEED_GTEST)$(call link,$(TESTLIBS))
build/%_test_stubs:
	$(NEED_GTEST)$(call link,$(TESTLIBS))
build/%_program:
	$(call link,$(LDLIBS))
build/%_program_prev_solutions:
	$(call link,$(LDLIBS))
build/%_program_stubs:
	$(call link,$(LDLIBS))

# $(call compile,CONFIG,FLAGS): $< to $@ through a temporary name (see the link rules).
compile = @mkdir -p $(@D) && echo "  CXX   $<  ($(1))" && tmp=$@.$$$$.tmp && \
  $(CXX) $(CXXSTD) $(WARNINGS) $(CPPFLAGS) $(2) -MMD -MP -MT $@ -MF $$tmp.d -c $< -o $$tmp && \
  mv -f $$tmp.d $(@:.o=.d) && mv -f $$tmp $@ || { rm -f $$tmp $$tmp.d; exit 1; }

# $(call learner_flags,FILE): the flags FILE is compiled with in build/learner; likewise
# for build/reference (build/compile_commands.json gives editors the same).
learner_flags = $(learner_CXXFLAGS) $(if $(filter common/%,$(1)),$(learner_common_CXXFLAGS)) $(if $(filter tests/%,$(1)),$(learner_tests_CXXFLAGS)) $(if $(filter $(speed_SOURCES),$(1)),$(learner_speed_CXXFLAGS))
reference_flags = $(reference_CXXFLAGS) $(if $(filter tests/support/%,$(1)),-O0)

build/learner/obj/%.o: %.cpp | build/compile_commands.json
	$(call compile,learner,$(call learner_flags,$<))

build/reference/obj/%.o: %.cpp | build/compile_commands.json
	$(call compile,reference,$(call reference_flags,$<))

build/sanitize/obj/%.o: %.cpp | build/compile_commands.json
	$(call compile,sanitize,$(sanitize_CXXFLAGS) $(if $(filter tests/support/%,$<),-O0) $(if $(filter $(speed_SOURCES),$<),$(sanitize_speed_CXXFLAGS)))

# A stub as shipped exists once tools/shipped.sh has taken it from git.
$(SHIPPED)/%.cpp:
	@echo "error: $@ is missing. HINT: bash tools/shipped.sh (make test runs it)"; exit 1
shipped:
	@bash tools/shipped.sh

-include $(shell find build -name '*.d' ! -name '*.tmp.d' 2>/dev/null)

# For editors: each source with the flags of the build that compiles it (your code and
# the tests as in build/learner, solutions/ as in build/reference). Handed to the recipe
# in the environment, written under a name of its own, then renamed: two makes at once
# (make watch and make check) each write their own whole file.
EDITOR_SOURCES = $(sort $(wildcard chapters/*/*.cpp common/*.cpp tests/*.cpp tests/support/*.cpp solutions/*/*.cpp))
editor_flags = $(CXXSTD) $(WARNINGS) $(CPPFLAGS) $(if $(filter solutions/%,$(1)),$(call reference_flags,$(1)),$(call learner_flags,$(1)))
editor_entry = {"directory": "$(CURDIR)", "file": "$(1)", "command": "$(strip $(CXX) $(call editor_flags,$(1))) -c $(1)"}
define newline


endef
build/compile_commands.json: export COMPILE_COMMANDS = [$(foreach f,$(EDITOR_SOURCES),$(if $(filter $(f),$(firstword $(EDITOR_SOURCES))),,$(,))$(newline)  $(call editor_entry,$(f)))$(newline)]
build/compile_commands.json: Makefile $(wildcard chapters/*/ solutions/*/ common/ tests/)
	@mkdir -p $(@D) && tmp=$@.$$$$.tmp && printf '%s\n' "$$COMPILE_COMMANDS" >$$tmp && mv -f $$tmp $@

# ---------------------------------------------------------------------------------------
# The learner's commands.

# Which binaries `check` and `run` use: your chapters, or solutions/ before CH.
LEARNER_SUFFIX := $(if $(filter solutions,$(PREVIOUS)),_prev_solutions,)
CONFIG := $(if $(SOLUTION),reference,learner)
RUN_BIN := build/$(CONFIG)/bin/$(CH_DIR)_program$(if $(SOLUTION),,$(LEARNER_SUFFIX))

# On a terminal, a command that has said what went wrong exits 0, so that make does not
# add "make: *** [Makefile:NN: check] Error 1" after the message: the message is the last
# thing you read. Scripts (output not a terminal) get the real exit status.
said = || { status=$$?; [ -t 1 ] && exit 0; exit $$status; }

help:
	@bash tools/help.sh $(CHAPTERS)

# The start of check, run, watch and reset: when CH names no single chapter, says what to
# type and fails (in the command's own line, so that $(said) ends it on a terminal).
require_ch = if [ -z "$(CH_DIR)" ]; then \
  if [ -z "$(CH)" ]; then echo "error: this command needs a chapter: CH=NN"; \
  elif [ "$(words $(CH))" != 1 ]; then echo "error: CH='$(CH)' names $(words $(CH)) chapters; this command takes one at a time."; \
  else echo "error: CH=$(CH) names no chapter."; fi; \
  echo "Chapters: $(CHAPTERS)"; \
  echo "HINT: make $@ CH=$(CH_HINT)"; \
  false; fi

check:
	+@$(require_ch) && bash tools/check.sh $(CH_DIR) "$(PREVIOUS)" $(said)

progress:
	+@bash tools/progress.sh $(CHAPTERS) $(said)

# The build's own output is shown only when it fails, so the program's output stays clean.
run:
	+@$(require_ch) && bash tools/run.sh $(RUN_BIN) $(ARGS) $(said)

watch:
	+@$(require_ch) && bash tools/watch.sh $(CH_DIR) "$(PREVIOUS)" $(said)

reset:
	@$(require_ch) && bash tools/reset.sh $(CH_DIR) "$(CONFIRM)" $(said)

# Real MNIST in data/mnist/, each file verified by SHA-256 (see tools/fetch_mnist.sh).
DATA ?= data/mnist
data:
	@bash tools/fetch_mnist.sh $(DATA)

# The main job: fetch the data if needed, then train the reference two-layer net with the
# book's settings (784-50-10, batch 100, lr 0.1, 10,000 iterations).
MNIST_CHAPTER := $(filter 07_%,$(CHAPTERS))
mnist: data
	@test -n "$(MNIST_CHAPTER)" || { echo "error: chapter 07 is not in this checkout"; exit 1; }
	+@bash tools/run.sh build/reference/bin/$(MNIST_CHAPTER)_program --data $(DATA) $(ARGS) $(said)

# The maintainers' and CI's command: every test on solutions/, then the proof that the
# tests bite on the stubs, and the checks of the programs and of the loop itself.
# Ends with "N passed, N failed".
test:
	+@bash tools/test.sh $(CHAPTERS)

# Quality gates (issue: never crash, never lie). Each is a script in tools/.
# make sanitize: every test on solutions/ under ASan + UBSan (leaks included).
sanitize:
	+@bash tools/sanitize.sh $(CHAPTERS)

# make fuzz [FUZZ_SECONDS=60]: libFuzzer on the IDX reader, from tests/fuzz/corpus.
FUZZ_SECONDS ?= 60
fuzz:
	@bash tools/fuzz.sh $(FUZZ_SECONDS)

# make mutants: apply each plausible bug in tests/mutants/ to solutions/; tests must fail.
mutants:
	+@bash tools/mutants.sh

clean:
	rm -rf build out

# make bench: Google Benchmark on chapter 09's kernels and steps against the plain ones,
# built under build/bench/ (tools/bench.sh; BENCH_FLAGS, BENCH_ARGS, BENCH_FILTER).
bench:
	@bash tools/bench.sh
