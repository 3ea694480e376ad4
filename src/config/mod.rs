//! Config: the model (serde + schemars), loading a directory with locations, semantic validation,
//! and schema generation. It never touches the network.

pub mod model;
