/** The trainer service: prompt tuning (CoOp, KgCoOp) with Dynamic Outlier Regularization. */
package io.calmon.trainer;
