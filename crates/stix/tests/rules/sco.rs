//! Rule table: sco.

#[allow(unused_imports)]
use crate::kit::*;
