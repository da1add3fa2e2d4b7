//! Rule table: sro.

#[allow(unused_imports)]
use crate::kit::*;
