package changes

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/blastgate/blastgate/internal/gitrepo"
)

func TestTextSymbol(t *testing.T) {
	for line, want := range map[string]asmSymbol{
		"TEXT ·Sum(SB), NOSPLIT, $0-32":           {key: declKey{name: "Sum"}},
		"TEXT\t·Sum(SB),NOSPLIT,$0":               {key: declKey{name: "Sum"}},
		"TEXT example·com∕m∕sum·Max(SB), $0":      {pkg: "example.com/m/sum", key: declKey{name: "Max"}},
		"TEXT ·(*Hasher).Write(SB), NOSPLIT, $0":  {key: declKey{recv: "Hasher", name: "Write"}},
		"TEXT ·Vec.Dot(SB), NOSPLIT, $0":          {key: declKey{recv: "Vec", name: "Dot"}},
		`TEXT "".f(SB), $0`:                       {key: declKey{name: "f"}},
		"TEXT ·g<ABIInternal>(SB), NOSPLIT, $0-8": {key: declKey{name: "g"}},
	} {
		got, ok := textSymbol(line)
		assert.True(t, ok, line)
		assert.Equal(t, want, got, line)
	}
	for _, line := range []string{"TEXTX ·Sum(SB)", "MOVQ AX, BX", "TEXT ·(SB)", "TEXT runtime(SB)", "// TEXT ·Sum(SB)"} {
		_, ok := textSymbol(line)
		assert.False(t, ok, line)
	}
}

// TestChangedTextSymbols: a changed line inside a body changes its
// symbol; one of a #define (continuation lines included), DATA, GLOBL or
// before the first TEXT changes every symbol; a blank line changes none.
func TestChangedTextSymbols(t *testing.T) {
	src := []byte(`#include "textflag.h"

#define ADD(a, b) \
	ADDQ a, b

TEXT ·A(SB), NOSPLIT, $0
	MOVQ $0, AX
	RET

DATA tab<>+0(SB)/8, $1
GLOBL tab<>(SB), RODATA, $8

TEXT ·B(SB), NOSPLIT, $0
	RET
`)
	names := func(lines ...int) []string {
		var ranges []gitrepo.LineRange
		for _, l := range lines {
			ranges = append(ranges, gitrepo.LineRange{Start: l, End: l})
		}
		var out []string
		for _, s := range changedTextSymbols(src, ranges, false) {
			out = append(out, s.key.name)
		}
		return out
	}
	assert.Equal(t, []string{"A"}, names(7))
	assert.Equal(t, []string{"B"}, names(14))
	assert.Equal(t, []string{"A", "B"}, names(4))  // a #define's continuation
	assert.Equal(t, []string{"A", "B"}, names(10)) // DATA
	assert.Equal(t, []string{"A", "B"}, names(1))  // #include
	assert.Empty(t, names(2))                      // a blank line before the first TEXT
	assert.Empty(t, names())
	assert.Len(t, changedTextSymbols(src, nil, true), 2)
}
