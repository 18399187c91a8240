/* SPDX-License-Identifier: MIT */
/*
 * Private to c_sort.c and c_names.c: the sorts they share.
 */
#ifndef BTFKIT_TEXT_C_SORTKIT_H
#define BTFKIT_TEXT_C_SORTKIT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Stable LSD radix sort of words by their bits low_bit..high_bit, in as
 * few digits of at most 12 bits as cover them (a key of rank and two
 * 16-bit name numbers in three), moving between v and tmp. One read
 * counts every digit at once (the counts: 16 KiB a digit, on the stack);
 * a digit that all words share moves nothing and is skipped. */
void c_radix_sort(uint64_t *v, uint64_t *tmp, size_t n, unsigned low_bit, unsigned high_bit);

/* insertion sort of short runs, then bottom-up merges (stable, no
 * recursion); less(a, b) as the order */
#define MERGE_SORT(T, v, n, tmp, less)                                                       \
	do {                                                                                 \
		const size_t run_ = 8;                                                       \
		for (size_t lo_ = 0; lo_ < (n); lo_ += run_) {                               \
			size_t hi_ = lo_ + run_ < (n) ? lo_ + run_ : (n);                    \
			for (size_t i_ = lo_ + 1; i_ < hi_; i_++) {                          \
				T x_ = (v)[i_];                                              \
				size_t j_ = i_;                                              \
				for (; j_ > lo_ && less(&x_, &(v)[j_ - 1]); j_--)            \
					(v)[j_] = (v)[j_ - 1];                               \
				(v)[j_] = x_;                                                \
			}                                                                    \
		}                                                                            \
		T *src_ = (v), *dst_ = (tmp);                                                \
		for (size_t w_ = run_; w_ < (n); w_ *= 2) {                                  \
			for (size_t lo_ = 0; lo_ < (n); lo_ += 2 * w_) {                     \
				size_t mid_ = lo_ + w_ < (n) ? lo_ + w_ : (n);               \
				size_t hi_ = lo_ + 2 * w_ < (n) ? lo_ + 2 * w_ : (n);        \
				size_t i_ = lo_, j_ = mid_, k_ = lo_;                        \
				while (i_ < mid_ && j_ < hi_) { /* (no branch on less) */   \
					size_t t_ = less(&src_[j_], &src_[i_]);              \
					const T *p_ = t_ ? &src_[j_] : &src_[i_];            \
					dst_[k_++] = *p_;                                    \
					j_ += t_;                                            \
					i_ += 1 - t_;                                        \
				}                                                            \
				while (i_ < mid_)                                            \
					dst_[k_++] = src_[i_++];                             \
				while (j_ < hi_)                                             \
					dst_[k_++] = src_[j_++];                             \
			}                                                                    \
			T *x_ = src_;                                                        \
			src_ = dst_;                                                         \
			dst_ = x_;                                                           \
		}                                                                            \
		if (src_ != (v))                                                             \
			memcpy((v), src_, (n) * sizeof(T));                                  \
	} while (0)

#endif
