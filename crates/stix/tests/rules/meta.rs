//! Rule table: meta.

#[allow(unused_imports)]
use crate::kit::*;
