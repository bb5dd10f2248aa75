/** CLIP on DJL: encoders with prompt injection, weights, tokenizer and preprocessing. */
package io.calmon.clip;
