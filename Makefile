# Makefile: builds ./receval, its tests and benchmarks (see README.md).
#
#   make            build ./receval
#   make demo       install missing packages, build, run suites/demo.json
#   make test       install missing packages, build, run every test
#   make unit       build and run the unit tests only
#   make bench      benchmarks (needs ../shared/data/ml-100k)
#   make deps       install missing Debian packages with apt-get
#   make fuzz       build the libFuzzer harnesses (clang) and run each FUZZ_SECONDS (default 60)
#   SANITIZE=address,undefined   build with sanitizers (objects in build-san/)
#   make test-threads   the unit tests and the built-in models' end-to-end tests under ThreadSanitizer
#   V=1             show the commands

CC      ?= cc
PKGS    := libcjson sqlite3 libcurl libpcre2-8 lapacke openblas libmicrohttpd
WARN    := -Wall -Wextra -Wstrict-prototypes -Wshadow -Wformat=2 -Wno-format-nonliteral
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -I. \
	     $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -MMD -MP
LIBS    = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcld2 -lstdc++ -lm -lpthread
# C++ only for the CLD2 shim (eval/ifeval/cld2.cc): CLD2 is a C++ library.
CXX     ?= g++
ALL_CXXFLAGS = -std=c++11 -Wall -Wextra $(CFLAGS) -I. -MMD -MP

ifdef WERROR
ALL_CFLAGS += -Werror
endif

ifdef SANITIZE
# ThreadSanitizer cannot share objects with the others: its own folder
OBJDIR  := build-san$(if $(findstring thread,$(SANITIZE)),-thread)
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
ALL_CXXFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
else
OBJDIR  := build
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

LIB_SRC  := $(filter-out eval/cli/main.c,$(wildcard lib/*.c metrics/*.c eval/*.c eval/*/*.c adapters/*.c reports/*.c serve/*.c))
LIB_CXX  := $(wildcard eval/*/*.cc)
LIB_OBJ  := $(LIB_SRC:%.c=$(OBJDIR)/%.o) $(LIB_CXX:%.cc=$(OBJDIR)/%.o) $(OBJDIR)/gen/templates.o
UNIT_SRC := $(wildcard tests/unit/*.c)
UNIT_OBJ := $(UNIT_SRC:%.c=$(OBJDIR)/%.o)
AUX_SRC  := tests/fake_server.c suites/gen_demo.c
VERSION  := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

ifdef SANITIZE
RECEVAL  := $(OBJDIR)/receval
else
RECEVAL  := receval
endif

all: $(RECEVAL)

$(RECEVAL): $(OBJDIR)/eval/cli/main.o $(OBJDIR)/libreceval.a
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(OBJDIR)/libreceval.a: $(LIB_OBJ)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(OBJDIR)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(OBJDIR)/%.o: %.cc
	@mkdir -p $(dir $@)
	@echo "  CXX     $<"
	$(Q)$(CXX) $(ALL_CXXFLAGS) -c -o $@ $<

# The default prompt templates, compiled in from suites/templates/*.txt.
$(OBJDIR)/gen/templates.c: $(wildcard suites/templates/*.txt) scripts/embed.sh
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)sh scripts/embed.sh suites/templates > $@.tmp && mv $@.tmp $@

$(OBJDIR)/gen/templates.o: $(OBJDIR)/gen/templates.c
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The dense linear algebra of builtin:ease wants the vectoriser.
$(OBJDIR)/adapters/builtin.o: ALL_CFLAGS += -O3

# The code version recorded with every run: rebuilt only when it changes.
$(OBJDIR)/lib/version.o: ALL_CFLAGS += -DRECEVAL_VERSION='"$(VERSION)"'
$(OBJDIR)/lib/version.o: $(OBJDIR)/VERSION
$(OBJDIR)/VERSION: FORCE
	@mkdir -p $(OBJDIR)
	@echo '$(VERSION)' | cmp -s - $@ || echo '$(VERSION)' > $@

$(OBJDIR)/unit-tests: $(UNIT_OBJ) $(OBJDIR)/libreceval.a
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(OBJDIR)/gen_demo: $(OBJDIR)/suites/gen_demo.o $(OBJDIR)/libreceval.a
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# The fake OpenAI/Azure server the tests and benchmarks talk to (tests/fake_server.c).
$(OBJDIR)/fake_server: $(OBJDIR)/tests/fake_server.o $(OBJDIR)/tests/fake_general.o $(OBJDIR)/tests/fake_judge.o $(OBJDIR)/tests/fake_conversation.o $(OBJDIR)/libreceval.a
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

unit: $(OBJDIR)/unit-tests
	$(Q)cd tests && ../$(OBJDIR)/unit-tests

# Regenerate the committed demo dataset (deterministic: same bytes every time).
demo-data: $(OBJDIR)/gen_demo
	$(Q)$(OBJDIR)/gen_demo suites/demo

deps:
	$(Q)sh scripts/deps.sh

# The language-model part of the demo runs only where a server is configured.
demo: deps
	$(Q)$(MAKE) --no-print-directory all
	./receval run suites/demo.json
	$(Q)if [ -n "$$OPENAI_BASE_URL$$OPENAI_API_KEY" ]; then \
		./receval run suites/demo-llm.json --model builtin:itemknn \
			--model "openai:$${RECEVAL_DEMO_MODEL:-gpt-4o-mini}" \
			--judge "openai:$${RECEVAL_DEMO_JUDGE:-$${RECEVAL_DEMO_MODEL:-gpt-4o-mini}}" \
			--simulator "openai:$${RECEVAL_DEMO_SIMULATOR:-$${RECEVAL_DEMO_MODEL:-gpt-4o-mini}}"; \
	else \
		echo; echo "(set OPENAI_API_KEY, or OPENAI_BASE_URL for a local server, to ask a language model too: suites/demo-llm.json)"; \
	fi

test: deps
	$(Q)$(MAKE) --no-print-directory WERROR=1 all $(OBJDIR)/unit-tests $(OBJDIR)/gen_demo $(if $(wildcard tests/fake_server.c),$(OBJDIR)/fake_server)
	$(Q)sh tests/run.sh $(OBJDIR)

# What runs on threads (built-in models, itemknn's training, intervals) under ThreadSanitizer (build-san-thread/).
TSAN_E2E := threads ml100k resume formats
test-threads: deps
	$(Q)$(MAKE) --no-print-directory SANITIZE=thread WERROR=1 all build-san-thread/unit-tests
	$(Q)RECEVAL_TEST_ONLY="unit $(TSAN_E2E)" TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
		sh tests/run.sh build-san-thread

bench: all $(if $(wildcard tests/fake_server.c),$(OBJDIR)/fake_server)
	$(Q)sh bench/run.sh

clean:
	rm -rf build build-san build-san-thread build-fuzz receval

.PHONY: all unit deps demo test test-threads bench clean demo-data FORCE fuzz fuzz-build

-include $(LIB_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) $(OBJDIR)/eval/cli/main.d $(OBJDIR)/suites/gen_demo.d \
	$(OBJDIR)/tests/fake_server.d $(OBJDIR)/tests/fake_general.d $(OBJDIR)/tests/fake_conversation.d

# The grounding benchmark (bench/grounding.c), run by bench/grounding.sh.
$(OBJDIR)/bench_grounding: $(OBJDIR)/bench/grounding.o $(OBJDIR)/libreceval.a
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

-include $(OBJDIR)/bench/grounding.d

# The IFEval checking benchmark (bench/ifeval.c), run by bench/ifeval.sh.
$(OBJDIR)/bench_ifeval: $(OBJDIR)/bench/ifeval.o $(OBJDIR)/libreceval.a
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

-include $(OBJDIR)/bench/ifeval.d

# The load benchmark of receval serve (bench/serve_load.c), run by bench/serve.sh.
$(OBJDIR)/bench_serve_load: $(OBJDIR)/bench/serve_load.o $(OBJDIR)/libreceval.a
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

-include $(OBJDIR)/bench/serve_load.d

# Fuzzing (tests/fuzz/README.md): the library built by clang with libFuzzer's coverage and ASan/UBSan into
# build-fuzz/, one binary per tests/fuzz/fuzz_*.c, each run FUZZ_SECONDS on its committed seed corpus
# (or FUZZ_RUNS executions: make fuzz FUZZ_RUNS=10000000 FUZZ_NAMES=fuzz_trec).
FUZZ_SECONDS ?= 60
FUZZ_RUNS    ?=
FUZZ_CC      ?= clang
FUZZ_CXX     ?= clang++
FUZZ_FLAGS   := -O1 -g -Wno-missing-field-initializers -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_NAMES   := $(basename $(notdir $(wildcard tests/fuzz/fuzz_*.c)))

fuzz-build:
	$(Q)command -v $(FUZZ_CC) >/dev/null || { echo "receval: make fuzz needs $(FUZZ_CC) (make deps installs it)" >&2; exit 1; }
	$(Q)$(MAKE) --no-print-directory OBJDIR=build-fuzz CC=$(FUZZ_CC) CXX=$(FUZZ_CXX) \
		CFLAGS="$(FUZZ_FLAGS) -fsanitize=fuzzer-no-link" build-fuzz/libreceval.a
	$(Q)for h in $(FUZZ_NAMES); do \
		echo "  FUZZ    build-fuzz/$$h"; \
		$(FUZZ_CC) -std=c11 -D_GNU_SOURCE -I. $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(FUZZ_FLAGS) \
			-fsanitize=fuzzer -o build-fuzz/$$h tests/fuzz/$$h.c build-fuzz/libreceval.a $(LIBS) || exit 1; \
	done

fuzz: fuzz-build
	$(Q)FUZZ_RUNS=$(FUZZ_RUNS) sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_NAMES)

# The MovieLens-20M-sized generator (bench/gen_big.c) and the benchmark at that scale (bench/big.sh).
$(OBJDIR)/gen_big: $(OBJDIR)/bench/gen_big.o $(OBJDIR)/libreceval.a
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

bench-big: all $(OBJDIR)/gen_big
	$(Q)sh bench/big.sh $(OBJDIR)

.PHONY: bench-big
-include $(OBJDIR)/bench/gen_big.d
