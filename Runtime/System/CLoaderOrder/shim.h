// Nothing to declare: the module exists for its link order (see module.modulemap).
